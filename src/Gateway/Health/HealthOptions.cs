namespace Gateway.Health;

/// <summary>Health probe settings (<c>Gateway:Health</c>).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Gateway:Health";

    /// <summary>
    /// Whether <c>/healthz/ready</c> probes the upstream MCP endpoint with the gateway's credential.
    /// Default <see langword="true"/>; turn off only where the upstream must not see probe traffic.
    /// </summary>
    public bool ProbeUpstream { get; set; } = true;

    /// <summary>How long one upstream probe may take. Default 5 seconds.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a probe's result is reused, so frequent readiness checks don't load the upstream. Default 10 seconds.</summary>
    public TimeSpan ProbeCacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}
