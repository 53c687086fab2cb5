namespace Gateway.Credentials;

/// <summary>Reads Salesforce's identity URL, <c>https://{login host}/id/{orgId}/{userId}</c> (reference/domain.md §2.1).</summary>
internal static class SalesforceIdentity
{
    public static (string? OrganizationId, string? UserId) Parse(string? identityUrl)
    {
        if (!Uri.TryCreate(identityUrl, UriKind.Absolute, out var url))
        {
            return (null, null);
        }

        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var id = Array.LastIndexOf(segments, "id");
        return id >= 0 && id + 2 < segments.Length && IsSalesforceId(segments[id + 1]) && IsSalesforceId(segments[id + 2])
            ? (segments[id + 1], segments[id + 2])
            : (null, null);
    }

    private static readonly System.Buffers.SearchValues<char> s_alphanumeric =
        System.Buffers.SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>15 or 18 alphanumeric characters: anything else is not an id and is not echoed into records.</summary>
    private static bool IsSalesforceId(string value) => value.Length is 15 or 18 && !value.AsSpan().ContainsAnyExcept(s_alphanumeric);
}
