using Gateway.Credentials;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>Validates <see cref="AuthorizationServerOptions"/> at start-up; every error names its key.</summary>
internal sealed class AuthorizationServerOptionsValidator(IConfiguration configuration) : IValidateOptions<AuthorizationServerOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthorizationServerOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string Section = AuthorizationServerOptions.SectionName;
        var errors = new List<string>();
        if (options.PublicBaseUrl is not null && !IsPublicBaseUrl(options.PublicBaseUrl))
        {
            errors.Add($"{Section}:PublicBaseUrl must be an absolute https URL (http only for loopback) with no path, query or fragment, e.g. https://mcp-gateway.example.com (got '{options.PublicBaseUrl}').");
        }

        if (string.IsNullOrWhiteSpace(options.Scope) || options.Scope.Any(static c => c <= ' ' || c is '"' or '\\'))
        {
            errors.Add($"{Section}:Scope must be one scope token without spaces or quotes (got '{options.Scope}').");
        }

        Positive(options.AccessTokenLifetime, "AccessTokenLifetime");
        Positive(options.RefreshTokenLifetime, "RefreshTokenLifetime");
        Positive(options.AuthorizationCodeLifetime, "AuthorizationCodeLifetime");
        Positive(options.SignInLifetime, "SignInLifetime");
        Positive(options.Registration.Window, "Registration:Window");
        if (options.Registration.PermitLimit < 1)
        {
            errors.Add($"{Section}:Registration:PermitLimit must be at least 1 (got {options.Registration.PermitLimit}).");
        }

        if (options.Registration.Policy == RegistrationPolicy.InitialAccessToken
            && (options.Registration.InitialAccessTokenSha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit)))
        {
            errors.Add($"{Section}:Registration:InitialAccessTokenSha256 must be the 64 hex characters of the token's SHA-256 when {Section}:Registration:Policy is InitialAccessToken.");
        }

        if (options.Registration.Policy == RegistrationPolicy.AllowedRedirectHosts && options.Registration.AllowedRedirectHosts.Count == 0)
        {
            errors.Add($"{Section}:Registration:AllowedRedirectHosts must name at least one host when {Section}:Registration:Policy is AllowedRedirectHosts (or set the policy to Closed).");
        }

        // The user's login is federated to Salesforce through the gateway's External Client App.
        var credential = configuration.GetSection(UpstreamCredentialOptions.SectionName);
        if (string.IsNullOrWhiteSpace(credential["ClientId"]))
        {
            errors.Add($"{UpstreamCredentialOptions.SectionName}:ClientId must name the External Client App when {Section}:Enabled is true: users sign in through it.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var key = $"{Section}:Clients:{i}";
            if (string.IsNullOrEmpty(client.ClientId) || client.ClientId.Length > 255 || !client.ClientId.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                errors.Add($"{key}:ClientId must be 1-255 letters, digits, '.', '_' or '-' (got '{client.ClientId}').");
            }
            else if (!ids.Add(client.ClientId))
            {
                errors.Add($"{key}:ClientId '{client.ClientId}' is used twice.");
            }

            if (client.ClientCredentials && string.IsNullOrEmpty(client.ClientSecret))
            {
                errors.Add($"{key}:ClientSecret is required for a client credentials (machine) client.");
            }

            if (client.ClientSecret is { Length: > 0 and < 32 })
            {
                errors.Add($"{key}:ClientSecret must be at least 32 characters (a random value, e.g. openssl rand -base64 32).");
            }

            if (!client.ClientCredentials && client.RedirectUris.Count == 0)
            {
                errors.Add($"{key}:RedirectUris must list at least one redirect URI, unless {key}:ClientCredentials is true.");
            }

            for (var j = 0; j < client.RedirectUris.Count; j++)
            {
                if (RedirectUriRules.Check(client.RedirectUris[j]) is { } problem)
                {
                    errors.Add($"{key}:RedirectUris:{j} {problem}");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{Section}:{key} must be a positive duration (got {value}).");
            }
        }
    }

    private static bool IsPublicBaseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url)
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        && url.AbsolutePath == "/" && url.Query.Length == 0 && url.Fragment.Length == 0 && url.UserInfo.Length == 0;
}
