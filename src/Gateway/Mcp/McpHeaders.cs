namespace Gateway.Mcp;

/// <summary>Header names of the Streamable HTTP transport (MCP basic/transports, each revision).</summary>
internal static class McpHeaders
{
    public const string SessionId = "Mcp-Session-Id";
    public const string ProtocolVersion = "MCP-Protocol-Version";
    public const string LastEventId = "Last-Event-ID";
    public const string Method = "Mcp-Method";
    public const string Name = "Mcp-Name";

    public const string JsonMediaType = "application/json";
    public const string EventStreamMediaType = "text/event-stream";
}
