using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.Credentials;

/// <summary>
/// Who may use the operator routes: the gateway's own machine (<c>Loopback</c>) or a holder of an admin
/// key sent as the HTTP Basic password (<c>AdminKey</c>), so a browser can prompt for it (RFC 7617).
/// State-changing requests must also come from the gateway's own pages, not another site (CSRF).
/// </summary>
internal sealed class ConnectAccessGuard(IOptions<UpstreamCredentialOptions> options, ILogger<ConnectAccessGuard> logger)
{
    private const string Realm = "Basic realm=\"mcp-gateway admin\", charset=\"UTF-8\"";
    private readonly ConnectOptions _connect = options.Value.Connect;
    private readonly byte[][] _digests = [.. options.Value.Connect.AdminKeySha256.Select(Convert.FromHexString)];

    /// <summary>Null when allowed; otherwise the response to send.</summary>
    public IResult? Check(HttpContext context, bool stateChanging)
    {
        if (stateChanging && !IsSameOrigin(context.Request))
        {
            return Deny(context, StatusCodes.Status403Forbidden, "cross-site request");
        }

        if (_connect.Access == ConnectAccess.Loopback)
        {
            return context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
                ? null
                : Deny(context, StatusCodes.Status403Forbidden, "not from the loopback interface (Gateway:Upstream:Credential:Connect:Access is Loopback)");
        }

        if (BasicPassword(context.Request) is { } key && Matches(key))
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = Realm;
        return Deny(context, StatusCodes.Status401Unauthorized, "no valid admin key");
    }

    private IResult Deny(HttpContext context, int status, string reason)
    {
        Log.ConnectAccessDenied(logger, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", reason);
        return Results.Text($"Access denied: {reason}.", "text/plain", Encoding.UTF8, status);
    }

    private bool Matches(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var match = false;
        foreach (var digest in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, digest);
        }

        return match;
    }

    private static string? BasicPassword(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Fetch metadata and Origin (RFC 6454): a browser marks a request another site made; a request
    /// without either header comes from a non-browser client (curl), which CSRF cannot drive.
    /// </summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers[HeaderNames.Origin].ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var url) && string.Equals(url.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
