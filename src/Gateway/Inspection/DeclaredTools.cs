namespace Gateway.Inspection;

/// <summary>One tool a <c>tools/list</c> result declared: its name, and its <c>annotations.readOnlyHint</c> (false when absent or not a boolean).</summary>
internal readonly record struct DeclaredTool(string Name, bool ReadOnlyHint);

/// <summary>
/// The tools one <c>tools/list</c> result declared (<c>result.tools[*]</c>), in body order and at most
/// <see cref="Capacity"/> of them, so a hostile list cannot grow it without bound. Compared by content, so the
/// <see cref="InspectedMessage"/> that carries it stays a plain value.
/// </summary>
internal sealed class DeclaredTools : IEquatable<DeclaredTools>
{
    /// <summary>How many tools of one result are kept; later ones stay unknown.</summary>
    public const int Capacity = 1024;

    private readonly List<DeclaredTool> _tools = [];

    public DeclaredTools()
    {
    }

    public DeclaredTools(IEnumerable<DeclaredTool> tools)
    {
        foreach (var tool in tools)
        {
            TryAdd(tool);
        }
    }

    public IReadOnlyList<DeclaredTool> Items => _tools;

    /// <summary>Adds <paramref name="tool"/> unless <see cref="Capacity"/> tools are already kept.</summary>
    public bool TryAdd(DeclaredTool tool)
    {
        if (_tools.Count == Capacity)
        {
            return false;
        }

        _tools.Add(tool);
        return true;
    }

    public bool Equals(DeclaredTools? other) => other is not null && _tools.SequenceEqual(other._tools);

    public override bool Equals(object? obj) => Equals(obj as DeclaredTools);

    public override int GetHashCode() => _tools.Count;

    public override string ToString() => $"[{string.Join(", ", _tools)}]";
}
