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

internal sealed class HealthOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<HealthOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var errors = new List<string>();
        if (options.ProbeTimeout <= TimeSpan.Zero || options.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{HealthOptions.SectionName}:ProbeTimeout must be between 00:00:00.001 and 00:01:00 (got {options.ProbeTimeout}).");
        }

        if (options.ProbeCacheDuration < TimeSpan.Zero)
        {
            errors.Add($"{HealthOptions.SectionName}:ProbeCacheDuration must not be negative (got {options.ProbeCacheDuration}).");
        }

        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
