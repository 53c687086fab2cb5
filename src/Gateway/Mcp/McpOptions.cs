namespace Gateway.Mcp;

/// <summary>How the gateway frames and validates MCP traffic from its clients (<c>Gateway:Mcp</c>).</summary>
public sealed class McpOptions
{
    public const string SectionName = "Gateway:Mcp";

    /// <summary>The path of the MCP endpoint the client's Endpoint URL points at. Default <c>/mcp</c>.</summary>
    public string Path { get; set; } = "/mcp";

    /// <summary>The largest POST body accepted, in bytes; larger bodies get 413. Default 4 MiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted in a POST body; deeper bodies get 400. Default 64.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// The <c>MCP-Protocol-Version</c> values accepted; any other gets 400. Default: every revision the
    /// gateway knows the rules of (2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28).
    /// </summary>
    public string[] SupportedProtocolVersions { get; set; } = [.. ProtocolVersions.Known];

    /// <summary>
    /// Browser origins allowed to call the MCP endpoint (exact match, e.g. <c>https://console.example.com</c>).
    /// A request whose <c>Origin</c> header is present and not listed gets 403. Default: none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Extra <c>Host</c> values accepted while the gateway listens only on loopback (DNS-rebinding
    /// protection). <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> are always accepted.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];
}
