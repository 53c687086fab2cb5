namespace Gateway.Audit;

/// <summary>
/// CloudTrail's <c>readOnly</c> for an MCP message: <see langword="true"/> when the message can only read
/// (the Get/List/Describe of an AWS API). A reviewer asking "what changed" filters on
/// <c>readOnly = false</c>, so anything uncertain is <see langword="false"/>: a write recorded as a read
/// is hidden from that review, a read recorded as a write is only noise.
/// </summary>
/// <remarks>
/// <list type="table">
///   <listheader><term>Method</term><description>readOnly</description></listheader>
///   <item><term><c>initialize</c>, <c>ping</c>, <c>server/discover</c></term><description>true: handshake and liveness</description></item>
///   <item><term><c>tools/list</c>, <c>prompts/list</c>, <c>prompts/get</c>, <c>resources/list</c>, <c>resources/templates/list</c>, <c>resources/read</c>, <c>completion/complete</c>, <c>roots/list</c></term><description>true: reads</description></item>
///   <item><term><c>subscriptions/listen</c></term><description>true: opens a notification stream (2026-07-28), like the GET stream</description></item>
///   <item><term><c>notifications/*</c></term><description>true: protocol signals (initialized, cancelled, progress, list_changed) that change no data</description></item>
///   <item><term><c>tools/call</c></term><description>the tool's <c>annotations.readOnlyHint</c> when known (as the upstream declared it); unknown → false</description></item>
///   <item><term><c>resources/subscribe</c>, <c>resources/unsubscribe</c>, <c>logging/setLevel</c></term><description>false: change server-side state</description></item>
///   <item><term>anything else, or no method</term><description>false</description></item>
/// </list>
/// </remarks>
internal static class ReadOnlyClassifier
{
    public static bool IsReadOnly(string? method, bool? toolReadOnlyHint) => method switch
    {
        null => false,
        "tools/call" => toolReadOnlyHint == true,
        "initialize" or "ping" or "server/discover"
            or "tools/list" or "prompts/list" or "prompts/get"
            or "resources/list" or "resources/templates/list" or "resources/read"
            or "completion/complete" or "roots/list" or "subscriptions/listen" => true,
        _ => method.StartsWith("notifications/", StringComparison.Ordinal),
    };
}
