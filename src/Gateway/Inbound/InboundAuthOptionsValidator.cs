using Microsoft.Extensions.Options;

namespace Gateway.Inbound;

/// <summary>Validates <see cref="InboundAuthOptions"/> at start-up; every error names its key.</summary>
internal sealed class InboundAuthOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<InboundAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, InboundAuthOptions options)
    {
        var errors = new List<string>();
        const string Section = InboundAuthOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.ApiKeyHeader) || !options.ApiKeyHeader.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add($"{Section}:ApiKeyHeader must be a header name of letters, digits, '-' or '_' (got '{options.ApiKeyHeader}').");
        }
        else if (options.ApiKeyHeader.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || options.ApiKeyHeader.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Section}:ApiKeyHeader must not be '{options.ApiKeyHeader}'; bearer tokens go in {Section}:BearerTokens.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        Check(options.ApiKeys, "ApiKeys");
        Check(options.BearerTokens, "BearerTokens");

        // The gateway's own authorization server is a way in of its own (Gateway:Authorization:Enabled).
        var oauth = configuration?.GetValue<bool>("Gateway:Authorization:Enabled") == true;
        if (options.ApiKeys.Count == 0 && options.BearerTokens.Count == 0 && !options.AllowAnonymous && !oauth)
        {
            errors.Add($"{Section}:ApiKeys (or {Section}:BearerTokens) must configure at least one credential, Gateway:Authorization:Enabled must be true, or {Section}:AllowAnonymous must be true. The gateway does not run open by accident.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(List<HashedCredential> credentials, string key)
        {
            for (var i = 0; i < credentials.Count; i++)
            {
                var credential = credentials[i];
                if (string.IsNullOrWhiteSpace(credential.Id) || !credential.Id.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                {
                    errors.Add($"{Section}:{key}:{i}:Id must be letters, digits, '.', '_' or '-' (got '{credential.Id}').");
                }
                else if (!ids.Add(credential.Id))
                {
                    errors.Add($"{Section}:{key}:{i}:Id '{credential.Id}' is used twice; ids name principals and must be unique.");
                }

                if (credential.Sha256 is not { Length: 64 } || !credential.Sha256.All(char.IsAsciiHexDigit))
                {
                    // The value is a hash, but say nothing of it anyway: a pasted raw key would be a secret.
                    errors.Add($"{Section}:{key}:{i}:Sha256 must be the 64 hex characters of a SHA-256 hash (printf %s \"$KEY\" | sha256sum).");
                }
            }
        }
    }
}
