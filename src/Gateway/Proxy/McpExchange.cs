using Gateway.Inbound;
using Gateway.Mcp;

namespace Gateway.Proxy;

/// <summary>
/// Everything the request path learned about one MCP exchange, kept as an HttpContext feature so each
/// later step (forwarding, audit, telemetry) reads the values it was handed instead of reaching back
/// into an earlier step (DESIGN.md "The request path").
/// </summary>
internal sealed class McpExchange
{
    public GatewayPrincipal? Principal { get; set; }

    public string ProtocolVersion { get; set; } = ProtocolVersions.Default;

    public ProtocolEra Era { get; set; }

    /// <summary>The validated POST body, for GET and DELETE <see langword="null"/>.</summary>
    public McpMessage? Message { get; set; }

    /// <summary>The validated bytes that were forwarded: a renewed-credential replay sends exactly these again.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>The session id as the client knows it (sealed).</summary>
    public string? ClientSessionId { get; set; }

    /// <summary>The session id as the upstream knows it.</summary>
    public string? UpstreamSessionId { get; set; }

    /// <summary>The bearer token presented upstream for this exchange. A secret: never logged.</summary>
    public string? UpstreamToken { get; set; }

    /// <summary>Why the gateway refused or failed the exchange, when it did.</summary>
    public McpRejection? Rejection { get; set; }

    /// <summary>The upstream's status code, when a response arrived.</summary>
    public int? UpstreamStatusCode { get; set; }

    /// <summary>When the gateway received the request (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long StartTimestamp { get; set; }

    /// <summary>When the gateway received the request, as wall-clock time.</summary>
    public DateTimeOffset StartTime { get; set; }

    /// <summary>Upstream response bytes relayed to the client.</summary>
    public long BytesRelayed { get; set; }

    /// <summary>Whether the response was relayed as an SSE stream.</summary>
    public bool WasEventStream { get; set; }
}
