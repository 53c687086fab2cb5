namespace Gateway.Authorization;

/// <summary>
/// Which redirect URIs a client may use: HTTPS, or http on loopback (MCP authorization, "Communication
/// Security": "redirect URIs must be either localhost URLs or HTTPS URLs"; RFC 8252 §7.3), absolute,
/// without a fragment (RFC 6749 §3.1.2) or user information.
/// </summary>
internal static class RedirectUriRules
{
    /// <summary>Why <paramref name="value"/> is not acceptable, or <see langword="null"/>.</summary>
    public static string? Check(string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return $"must be an absolute URI (got '{value}').";
        }

        if (uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return $"must not carry a fragment or user information (got '{value}').";
        }

        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)))
        {
            return null;
        }

        return $"must use https, or http on a loopback host (localhost, 127.0.0.1, [::1]) (got '{value}').";
    }

    private static bool IsLoopback(Uri uri) => uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
}
