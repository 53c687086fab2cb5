namespace Gateway.Mcp;

/// <summary>
/// The MCP revisions whose Streamable HTTP rules differ. The era is decided per request from the
/// <c>MCP-Protocol-Version</c> header; validation follows it (DESIGN.md "Protocol eras").
/// </summary>
internal enum ProtocolEra : byte
{
    /// <summary>2024-11-05 and 2025-03-26: JSON-RPC batches are allowed, no version header is required.</summary>
    Batching,

    /// <summary>2025-06-18 and 2025-11-25: no batches; the version header is sent on every request.</summary>
    Sessions,

    /// <summary>2026-07-28: stateless, no sessions, no GET stream, <c>Mcp-Method</c>/<c>Mcp-Name</c> headers must match the body.</summary>
    Stateless,
}

internal static class ProtocolVersions
{
    /// <summary>
    /// The version a server assumes when the header is absent: "the server SHOULD assume protocol
    /// version 2025-03-26" (MCP 2025-06-18, basic/transports, Protocol Version Header).
    /// </summary>
    public const string Default = "2025-03-26";

    public const string V2024_11_05 = "2024-11-05";
    public const string V2025_03_26 = "2025-03-26";
    public const string V2025_06_18 = "2025-06-18";
    public const string V2025_11_25 = "2025-11-25";
    public const string V2026_07_28 = "2026-07-28";

    /// <summary>Every revision the gateway knows the rules of.</summary>
    public static readonly string[] Known = [V2024_11_05, V2025_03_26, V2025_06_18, V2025_11_25, V2026_07_28];

    /// <summary>Returns the era of a known version, or <see langword="null"/> for a version the gateway has no rules for.</summary>
    public static ProtocolEra? EraOf(string version) => version switch
    {
        V2024_11_05 or V2025_03_26 => ProtocolEra.Batching,
        V2025_06_18 or V2025_11_25 => ProtocolEra.Sessions,
        V2026_07_28 => ProtocolEra.Stateless,
        _ => null,
    };
}
