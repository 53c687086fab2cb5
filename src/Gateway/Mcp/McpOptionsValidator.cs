using Microsoft.Extensions.Options;

namespace Gateway.Mcp;

/// <summary>Validates <see cref="McpOptions"/> at start-up; every error names its configuration key.</summary>
internal sealed class McpOptionsValidator : IValidateOptions<McpOptions>
{
    public ValidateOptionsResult Validate(string? name, McpOptions options)
    {
        var errors = new List<string>();
        const string Section = McpOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.Path) || options.Path[0] != '/' || options.Path.Length > 1 && options.Path[^1] == '/')
        {
            errors.Add($"{Section}:Path must start with '/' and not end with '/' (got '{options.Path}').");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"{Section}:MaxRequestBodyBytes must be between 1024 and 67108864 (got {options.MaxRequestBodyBytes}).");
        }

        if (options.MaxJsonDepth is < 8 or > 256)
        {
            errors.Add($"{Section}:MaxJsonDepth must be between 8 and 256 (got {options.MaxJsonDepth}).");
        }

        if (options.SupportedProtocolVersions is not { Length: > 0 })
        {
            errors.Add($"{Section}:SupportedProtocolVersions must list at least one version.");
        }
        else
        {
            foreach (var version in options.SupportedProtocolVersions)
            {
                if (ProtocolVersions.EraOf(version) is null)
                {
                    errors.Add($"{Section}:SupportedProtocolVersions contains '{version}', which the gateway has no rules for; known: {string.Join(", ", ProtocolVersions.Known)}.");
                }
            }
        }

        foreach (var origin in options.AllowedOrigins ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/'))
            {
                errors.Add($"{Section}:AllowedOrigins contains '{origin}', which is not an origin such as https://host[:port].");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
