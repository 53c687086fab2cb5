namespace Gateway.Hosting;

/// <summary>Where the gateway keeps what must outlive a process (<c>Gateway:State</c>).</summary>
public sealed class StateOptions
{
    public const string SectionName = "Gateway:State";

    /// <summary>
    /// The data directory, relative to the content root or absolute. Data Protection keys (which seal
    /// session ids) live in its <c>keys</c> folder; replicas must share them. Default <c>data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "data";
}
