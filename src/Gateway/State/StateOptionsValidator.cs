using Microsoft.Extensions.Options;

namespace Gateway.State;

internal sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        const string Section = StateOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add($"{Section}:DataDirectory must name a directory.");
        }

        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add($"{Section}:Provider must be 'Sqlite' or 'PostgreSql' (got '{options.Provider}').");
        }

        if (options.Provider == StateProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{Section}:ConnectionString is required when {Section}:Provider is 'PostgreSql'; set it through the environment variable Gateway__State__ConnectionString.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
