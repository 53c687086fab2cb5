namespace Gateway.State;

/// <summary>Where the gateway keeps what must outlive a process (<c>Gateway:State</c>, DESIGN.md "State").</summary>
public sealed class StateOptions
{
    public const string SectionName = "Gateway:State";

    /// <summary>
    /// The data directory, relative to the content root or absolute. The embedded SQLite database
    /// (<c>gateway.db</c>) lives here. Default <c>data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The database: <see cref="StateProvider.Sqlite"/> (default; one node, zero setup) or
    /// <see cref="StateProvider.PostgreSql"/> (any number of replicas share grants, keys and refresh locks).
    /// </summary>
    public StateProvider Provider { get; set; } = StateProvider.Sqlite;

    /// <summary>
    /// The connection string. Required for PostgreSQL (a secret when it holds a password: supply it through
    /// <c>Gateway__State__ConnectionString</c>). For SQLite the default is <c>Data Source={DataDirectory}/gateway.db</c>.
    /// </summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The database behind <see cref="StateOptions"/>.</summary>
public enum StateProvider
{
    Sqlite,
    PostgreSql,
}
