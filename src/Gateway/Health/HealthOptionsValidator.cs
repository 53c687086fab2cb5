using Microsoft.Extensions.Options;

namespace Gateway.Health;

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
