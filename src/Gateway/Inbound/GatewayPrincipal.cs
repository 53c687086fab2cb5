namespace Gateway.Inbound;

/// <summary>How a client proved who it is.</summary>
public enum InboundCredentialKind
{
    Anonymous,
    ApiKey,
    BearerToken,
}

/// <summary>
/// Who is calling, as established by inbound authentication and handed down the request path
/// (DESIGN.md "The request path"). <see cref="Id"/> is the configured credential id, never the secret.
/// </summary>
public sealed record GatewayPrincipal(string Id, InboundCredentialKind Kind)
{
    public static GatewayPrincipal Anonymous { get; } = new("anonymous", InboundCredentialKind.Anonymous);
}
