using System.Collections.Concurrent;
using Gateway.Inspection;

namespace Gateway.Audit;

/// <summary>
/// What the upstream said of each tool's <c>annotations.readOnlyHint</c> in the <c>tools/list</c> results this
/// gateway relayed, so a <c>tools/call</c>'s audit record can say whether it only read (CloudTrail's
/// <c>readOnly</c>). One catalog per process: the gateway has one upstream, and a tool's annotations are the
/// server's, not the session's. A later list replaces what an earlier one said of the same tool.
/// </summary>
/// <remarks>
/// The MCP specification calls tool annotations hints that a client should not trust from an untrusted server
/// (2025-06-18, server/tools "Tool Annotations"); here the server is the upstream the operator configured, and a
/// hint only ever labels a record, never grants anything. A tool no relayed list has declared is unknown, which
/// <see cref="ReadOnlyClassifier"/> records as a write. At most <see cref="Capacity"/> tools are remembered, so a
/// server listing ever new names cannot grow the process without bound; past it, new names stay unknown.
/// </remarks>
internal sealed class ToolAnnotationCatalog
{
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, bool> _readOnlyHints = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Remembers what a relayed <c>tools/list</c> result declared.</summary>
    public void Learn(DeclaredTools tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        foreach (var tool in tools.Items)
        {
            if (_readOnlyHints.TryGetValue(tool.Name, out var known))
            {
                if (known != tool.ReadOnlyHint)
                {
                    _readOnlyHints[tool.Name] = tool.ReadOnlyHint;
                }
            }
            else if (Volatile.Read(ref _count) < Capacity && _readOnlyHints.TryAdd(tool.Name, tool.ReadOnlyHint))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>The tool's <c>readOnlyHint</c> as last declared; <see langword="null"/> when no relayed list declared it.</summary>
    public bool? ReadOnlyHint(string? tool) => tool is not null && _readOnlyHints.TryGetValue(tool, out var hint) ? hint : null;
}
