using System.Collections.Concurrent;
using Gateway.Inspection;

namespace Gateway.Audit;

/// <summary>
/// What the upstream said of each tool's <c>annotations.readOnlyHint</c> in the <c>tools/list</c> results this
/// gateway relayed, so a <c>tools/call</c>'s audit record can say whether it only read (CloudTrail's
/// <c>readOnly</c>). One catalog per process: the gateway has one upstream, and a tool's annotations are the
/// server's, not the session's. A later list replaces what an earlier one said of the same tool, and the
/// server's <c>notifications/tools/list_changed</c> makes every tool unknown until the next list: a hint the
/// server may have changed is not kept (a tool that stopped being read-only would otherwise be recorded as one).
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

    // Forgetting swaps in an empty set rather than clearing this one, so a count never outlives its set.
    private Hints _hints = new();

    /// <summary>Remembers what a relayed <c>tools/list</c> result declared.</summary>
    public void Learn(DeclaredTools tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var hints = Volatile.Read(ref _hints);
        foreach (var tool in tools.Items)
        {
            if (hints.ReadOnly.TryGetValue(tool.Name, out var known))
            {
                if (known != tool.ReadOnlyHint)
                {
                    hints.ReadOnly[tool.Name] = tool.ReadOnlyHint;
                }
            }
            else if (Volatile.Read(ref hints.Count) < Capacity && hints.ReadOnly.TryAdd(tool.Name, tool.ReadOnlyHint))
            {
                Interlocked.Increment(ref hints.Count);
            }
        }
    }

    /// <summary>Makes every tool unknown: the server said its tool list changed.</summary>
    public void Forget() => Volatile.Write(ref _hints, new Hints());

    /// <summary>The tool's <c>readOnlyHint</c> as last declared; <see langword="null"/> when no relayed list declared it.</summary>
    public bool? ReadOnlyHint(string? tool) =>
        tool is not null && Volatile.Read(ref _hints).ReadOnly.TryGetValue(tool, out var hint) ? hint : null;

    private sealed class Hints
    {
        public readonly ConcurrentDictionary<string, bool> ReadOnly = new(StringComparer.Ordinal);
        public int Count;
    }
}
