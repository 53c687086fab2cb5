namespace Gateway.Inbound;

/// <summary>
/// Validates the access tokens the gateway's own authorization server issued (the inbound mode
/// <c>oauth</c>): audience, issuer, lifetime and scope, on every MCP request (MCP authorization,
/// "Token Handling"). Registered only when <c>Gateway:Authorization:Enabled</c> is true.
/// </summary>
public interface IIssuedTokenValidator
{
    /// <summary>Validates the request's bearer token; never throws for a bad token.</summary>
    ValueTask<IssuedTokenValidation> ValidateAsync(HttpContext context);

    /// <summary>
    /// The <c>WWW-Authenticate</c> value of a 401 or 403: <c>Bearer resource_metadata="…", scope="…"</c>
    /// (RFC 9728 §5.1; MCP 2025-11-25 authorization), with <c>error</c> (<paramref name="errorCode"/>) when a token was refused (RFC 6750 §3).
    /// </summary>
    string Challenge(HttpRequest request, string? errorCode);
}

/// <summary>The outcome of <see cref="IIssuedTokenValidator.ValidateAsync"/>: a principal, or an RFC 6750 error.</summary>
public readonly record struct IssuedTokenValidation(GatewayPrincipal? Principal, string? Error, string? Description)
{
    /// <summary>The token is valid but lacks the scope the MCP endpoint needs: 403, not 401 (RFC 6750 §3.1).</summary>
    public bool InsufficientScope => Error == "insufficient_scope";
}
