using Microsoft.IdentityModel.JsonWebTokens;

namespace Gateway.Credentials;

/// <summary>
/// When an access token expires, in DESIGN.md's order: <c>expires_in</c> when the server sent one;
/// else the JWT <c>exp</c> (Salesforce hosted MCP takes only JWT access tokens, and its token responses
/// carry no <c>expires_in</c>, reference/domain.md §2.1–2.2); else introspection when enabled; else the
/// configured fallback lifetime. A missing <c>expires_in</c> never means "never expires".
/// </summary>
internal static class TokenExpiry
{
    public const string FromExpiresIn = "expires_in";
    public const string FromJwt = "jwt_exp";
    public const string FromIntrospection = "introspection";
    public const string FromFallback = "fallback";

    private static readonly JsonWebTokenHandler s_jwt = new();

    public static async ValueTask<(DateTimeOffset ExpiresAt, string Source)> ResolveAsync(
        SalesforceTokens tokens, DateTimeOffset now, UpstreamCredentialOptions options,
        Func<string, CancellationToken, Task<DateTimeOffset?>> introspect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens.AccessToken);
        var issuedAt = tokens.IssuedAt is { } issued && issued <= now ? issued : now;
        if (tokens.ExpiresIn is { } expiresIn)
        {
            return (issuedAt + expiresIn, FromExpiresIn);
        }

        if (ReadJwtExpiry(tokens.AccessToken) is { } exp)
        {
            return (exp, FromJwt);
        }

        if (options.UseIntrospection && await introspect(tokens.AccessToken, cancellationToken) is { } introspected)
        {
            return (introspected, FromIntrospection);
        }

        return (issuedAt + options.FallbackLifetime, FromFallback);
    }

    /// <summary>
    /// The <c>exp</c> of a JWT, read without validating it: the gateway is the token's client, not its
    /// audience, and only schedules its refresh by it. Null for an opaque token or one without <c>exp</c>.
    /// </summary>
    public static DateTimeOffset? ReadJwtExpiry(string token)
    {
        if (!s_jwt.CanReadToken(token))
        {
            return null;
        }

        try
        {
            var jwt = s_jwt.ReadJsonWebToken(token);
            return jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
        }
        catch (ArgumentException)
        {
            // CanReadToken checks the shape only; a malformed segment is an opaque token to us.
            return null;
        }
    }
}
