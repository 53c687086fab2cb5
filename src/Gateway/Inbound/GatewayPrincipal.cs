namespace Gateway.Inbound;

/// <summary>How a client proved who it is.</summary>
public enum InboundCredentialKind
{
    Anonymous,
    ApiKey,
    BearerToken,

    /// <summary>An access token issued by the gateway's own authorization server.</summary>
    OAuth,
}

/// <summary>
/// Who is calling, as established by inbound authentication and handed down the request path
/// (DESIGN.md "The request path"). <see cref="Id"/> is the configured credential id, never the secret.
/// </summary>
public sealed record GatewayPrincipal(string Id, InboundCredentialKind Kind)
{
    /// <summary>The OAuth client the token was issued to (inbound mode <c>oauth</c> only).</summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// The user grant whose Salesforce token runs this principal's calls (a user who signed in through
    /// the gateway's authorization server); <see langword="null"/> for the gateway's own credential.
    /// </summary>
    public string? UpstreamGrantId { get; init; }

    public static GatewayPrincipal Anonymous { get; } = new("anonymous", InboundCredentialKind.Anonymous);
}
