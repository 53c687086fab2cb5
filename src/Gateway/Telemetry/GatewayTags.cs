namespace Gateway.Telemetry;

/// <summary>
/// Attribute names, pinned to the OpenTelemetry MCP semantic conventions as released in semantic
/// conventions v1.41.1 (gen-ai/mcp.md, status Development; moved to semantic-conventions-genai, which
/// still names <c>rpc.response.status_code</c>; reference/domain.md §7). Changing a name here is a
/// breaking change for dashboards: do it on purpose, with the version.
/// </summary>
internal static class GatewayTags
{
    public const string SemanticConventionsVersion = "1.41.1";

    public const string McpMethodName = "mcp.method.name";
    public const string McpProtocolVersion = "mcp.protocol.version";
    public const string McpSessionId = "mcp.session.id";
    public const string McpResourceUri = "mcp.resource.uri";
    public const string JsonRpcRequestId = "jsonrpc.request.id";
    public const string GenAiToolName = "gen_ai.tool.name";
    public const string GenAiPromptName = "gen_ai.prompt.name";
    public const string GenAiOperationName = "gen_ai.operation.name";
    public const string ErrorType = "error.type";
    public const string RpcResponseStatusCode = "rpc.response.status_code";
    public const string ClientAddress = "client.address";
    public const string ClientPort = "client.port";
    public const string NetworkProtocolName = "network.protocol.name";
    public const string NetworkProtocolVersion = "network.protocol.version";
    public const string NetworkTransport = "network.transport";

    /// <summary>Gateway-specific: why the gateway refused or failed a message (the rejection reason).</summary>
    public const string GatewayReason = "gateway.reason";

    /// <summary>Gateway-specific: the inbound principal (credential id, never a secret).</summary>
    public const string GatewayPrincipal = "gateway.principal.id";

    /// <summary><c>network.protocol.version</c> of a request's <c>HttpRequest.Protocol</c> (<c>HTTP/1.1</c> → <c>1.1</c>).</summary>
    public static string NetworkProtocolVersionOf(string protocol) => protocol switch
    {
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        "HTTP/1.0" => "1.0",
        _ => "1.1",
    };
}
