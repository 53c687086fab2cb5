using Microsoft.Extensions.Options;

namespace Gateway.Telemetry;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        string.IsNullOrWhiteSpace(options.ServiceName)
            ? ValidateOptionsResult.Fail($"{TelemetryOptions.SectionName}:ServiceName must not be empty.")
            : ValidateOptionsResult.Success;
}
