namespace Gateway.Mcp;

internal enum JsonRpcKind : byte
{
    Request,
    Notification,
    Response,
}

/// <summary>
/// What the gateway knows of one JSON-RPC message after its single validating pass: enough to
/// route, bind, audit and trace it, never the payload itself.
/// </summary>
internal sealed class JsonRpcMessage
{
    public JsonRpcKind Kind { get; init; }

    /// <summary>The method of a request or notification; <see langword="null"/> for a response.</summary>
    public string? Method { get; init; }

    /// <summary>The id exactly as it stood in the body (<c>"abc"</c> with quotes, or <c>7</c>), or <see langword="null"/>.</summary>
    public string? IdJson { get; init; }

    /// <summary>
    /// <c>params.name</c> (tools/call, prompts/get) or <c>params.uri</c> (resources/read): the name the
    /// 2026-07-28 <c>Mcp-Name</c> header must match and the target spans and audit records name.
    /// </summary>
    public string? Target { get; init; }

    /// <summary>
    /// <c>params._meta.traceparent</c> and <c>tracestate</c>: the context of the client's own MCP span, which
    /// the gateway's MCP span takes as its parent (semconv gen-ai/mcp.md "Context propagation").
    /// </summary>
    public string? TraceParent { get; init; }

    /// <inheritdoc cref="TraceParent"/>
    public string? TraceState { get; init; }

    /// <summary>For a response: whether it carried <c>error</c> rather than <c>result</c>.</summary>
    public bool IsError { get; init; }
}

/// <summary>A validated POST body: one message, or for the batching era a batch of them.</summary>
internal sealed class McpMessage
{
    private readonly JsonRpcMessage? _single;
    private readonly JsonRpcMessage[]? _batch;

    public McpMessage(JsonRpcMessage single) => _single = single;

    public McpMessage(JsonRpcMessage[] batch) => _batch = batch;

    public bool IsBatch => _batch is not null;

    /// <summary>The messages in body order; one element unless <see cref="IsBatch"/>.</summary>
    public ReadOnlySpan<JsonRpcMessage> Messages => _batch ?? new ReadOnlySpan<JsonRpcMessage>(in _single!);

    /// <summary>The single message, or the first of a batch.</summary>
    public JsonRpcMessage First => _single ?? _batch![0];

    /// <summary>Whether any message expects a response (a request), so the upstream answers with JSON or SSE rather than 202.</summary>
    public bool HasRequests
    {
        get
        {
            foreach (var message in Messages)
            {
                if (message.Kind == JsonRpcKind.Request)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
