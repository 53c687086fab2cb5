namespace Gateway.Mcp;

/// <summary>
/// JSON-RPC 2.0 error codes (JSON-RPC 2.0 §5.1) and the MCP and gateway codes in the
/// implementation-defined server range -32000 to -32099.
/// </summary>
internal static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int InternalError = -32603;

    /// <summary>MCP 2026-07-28: a standard header is missing or does not match the body (SDK <c>McpErrorCode.HeaderMismatch</c>).</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>MCP 2026-07-28: <c>UnsupportedProtocolVersionError</c>; data carries <c>supported</c> and <c>requested</c>.</summary>
    public const int UnsupportedProtocolVersion = -32022;

    /// <summary>Gateway: the client is not authenticated or not allowed.</summary>
    public const int Unauthorized = -32001;

    /// <summary>Gateway: the session is unknown to this principal; the client should initialize again.</summary>
    public const int SessionNotFound = -32002;

    /// <summary>Gateway: the upstream MCP server failed, timed out or is misconfigured.</summary>
    public const int UpstreamError = -32003;

    /// <summary>Gateway: the gateway has no usable upstream credential.</summary>
    public const int UpstreamCredentialUnavailable = -32004;
}
