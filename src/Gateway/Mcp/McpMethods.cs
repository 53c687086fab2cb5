using System.Text.Json;

namespace Gateway.Mcp;

/// <summary>
/// MCP method names (semconv mcp.md "well-known values" plus 2026-07-28's additions). Known names
/// are returned as the same string instance, so the hot path allocates nothing for them.
/// </summary>
internal static class McpMethods
{
    public const string Initialize = "initialize";
    public const string ToolsCall = "tools/call";
    public const string ToolsList = "tools/list";
    public const string ResourcesRead = "resources/read";
    public const string PromptsGet = "prompts/get";

    /// <summary>The server's word that its tool list changed (MCP server/tools "List Changed Notification").</summary>
    public const string ToolsListChanged = "notifications/tools/list_changed";

    private static readonly (byte[] Utf8, string Name)[] s_known = [.. new[]
    {
        ToolsCall, ToolsList, Initialize, "notifications/initialized", "ping", ResourcesRead, "resources/list",
        "resources/templates/list", "resources/subscribe", "resources/unsubscribe", PromptsGet, "prompts/list",
        "completion/complete", "logging/setLevel", "notifications/cancelled", "notifications/progress",
        "notifications/roots/list_changed", "notifications/message", "sampling/createMessage", "elicitation/create",
        "roots/list", "server/discover", "subscriptions/listen",
    }.Select(static name => (System.Text.Encoding.UTF8.GetBytes(name), name))];

    /// <summary>Reads the current string token, returning the shared instance of a known method name.</summary>
    public static string Intern(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var span = reader.ValueSpan;
            foreach (var (utf8, name) in s_known)
            {
                if (span.SequenceEqual(utf8))
                {
                    return name;
                }
            }
        }

        return reader.GetString()!;
    }

    /// <summary>
    /// The body member the 2026-07-28 <c>Mcp-Name</c> header mirrors, or <see langword="null"/> when the
    /// method has none (MCP 2026-07-28 basic/transports/streamable-http: tools/call and prompts/get carry
    /// <c>params.name</c>, resources/read carries <c>params.uri</c>).
    /// </summary>
    public static bool HasNameHeader(string method) => method is ToolsCall or PromptsGet or ResourcesRead;
}
