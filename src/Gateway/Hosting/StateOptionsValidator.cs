using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

internal sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options) =>
        string.IsNullOrWhiteSpace(options.DataDirectory)
            ? ValidateOptionsResult.Fail($"{StateOptions.SectionName}:DataDirectory must name a directory.")
            : ValidateOptionsResult.Success;
}
