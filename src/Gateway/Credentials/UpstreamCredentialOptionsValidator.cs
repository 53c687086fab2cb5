using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

internal sealed class UpstreamCredentialOptionsValidator : IValidateOptions<UpstreamCredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamCredentialOptions options)
    {
        const string Section = UpstreamCredentialOptions.SectionName;
        if (!string.Equals(options.Mode, "Static", StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"{Section}:Mode must be 'Static' (got '{options.Mode}').");
        }

        if (string.IsNullOrWhiteSpace(options.StaticToken))
        {
            return ValidateOptionsResult.Fail($"{Section}:StaticToken is required in Static mode; set it through the environment variable Gateway__Upstream__Credential__StaticToken.");
        }

        if (options.StaticToken.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7E))
        {
            return ValidateOptionsResult.Fail($"{Section}:StaticToken must be visible ASCII (a bearer token, RFC 6750 §2.1).");
        }

        return ValidateOptionsResult.Success;
    }
}
