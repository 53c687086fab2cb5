using Gateway.Inbound;
using Gateway.Inspection;
using Gateway.Mcp;

namespace Gateway.Proxy;

/// <summary>
/// Everything the request path learned about one MCP exchange, kept as an HttpContext feature so each
/// later step (forwarding, audit, telemetry) reads the values it was handed instead of reaching back
/// into an earlier step (DESIGN.md "The request path").
/// </summary>
internal sealed class McpExchange : IJsonRpcMessageObserver
{
    // A response stream answers the requests of one POST; more than this many is not a real exchange.
    private const int MaxTrackedResponses = 256;

    private bool _keptDeclaredTools;

    public GatewayPrincipal? Principal { get; set; }

    public string ProtocolVersion { get; set; } = ProtocolVersions.Default;

    public ProtocolEra Era { get; set; }

    /// <summary>The validated POST body, for GET and DELETE <see langword="null"/>.</summary>
    public McpMessage? Message { get; set; }

    /// <summary>The id to echo in an error about the whole exchange: the single message's, or none for a batch (JSON-RPC 2.0 §5).</summary>
    public string? SingleMessageIdJson => Message is { IsBatch: false } message ? message.First.IdJson : null;

    /// <summary>The validated bytes that were forwarded: a renewed-credential replay sends exactly these again.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>The session id as the client knows it (sealed).</summary>
    public string? ClientSessionId { get; set; }

    /// <summary>The session id as the upstream knows it.</summary>
    public string? UpstreamSessionId { get; set; }

    /// <summary>When the session began (its id was sealed), for a request within one.</summary>
    public DateTimeOffset? SessionStartedAt { get; set; }

    /// <summary>The bearer token presented upstream for this exchange. A secret: never logged.</summary>
    public string? UpstreamToken { get; set; }

    /// <summary>The Salesforce user and org the upstream token acts as, when known.</summary>
    public Gateway.Credentials.UpstreamAccount? UpstreamAccount { get; set; }

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

    /// <summary>
    /// Called as a relayed <c>notifications/tools/list_changed</c> passes, on the relaying thread: mid-stream
    /// too, so a GET stream that lives for hours reports it when it comes, not when the stream ends.
    /// </summary>
    public Action? ToolsListChanged { get; set; }

    /// <summary>The JSON-RPC responses seen in the relayed body (id, error code, isError), as they passed.</summary>
    public List<InspectedMessage>? Responses { get; private set; }

    /// <summary>The relayed response to the request with this id, if one was seen.</summary>
    public InspectedMessage? FindResponse(string? idJson)
    {
        if (idJson is null || Responses is null)
        {
            return null;
        }

        foreach (var response in Responses)
        {
            if (response.IdJson == idJson)
            {
                return response;
            }
        }

        return null;
    }

    void IJsonRpcMessageObserver.OnMessage(in InspectedMessage message)
    {
        if (message.Kind == InspectedKind.Notification && message.Method == McpMethods.ToolsListChanged)
        {
            ToolsListChanged?.Invoke();
            return;
        }

        if (message.Kind == InspectedKind.Response && (Responses ??= []).Count < MaxTrackedResponses)
        {
            // Declared tools are kept only from the answer to this exchange's own tools/list, and from one
            // such answer per exchange: whatever a batch holds, an exchange keeps at most one list.
            var keepTools = message.Tools is not null && !_keptDeclaredTools && AsksForToolsList(message.IdJson);
            _keptDeclaredTools |= keepTools;
            Responses.Add(keepTools || message.Tools is null ? message : message with { Tools = null });
        }
    }

    private bool AsksForToolsList(string? idJson)
    {
        if (idJson is null || Message is not { } body)
        {
            return false;
        }

        foreach (var request in body.Messages)
        {
            if (request.Method == McpMethods.ToolsList && request.IdJson == idJson)
            {
                return true;
            }
        }

        return false;
    }
}
