using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

/// <summary>Cross-field rules per mode; every failure names its key, none echoes a secret.</summary>
internal sealed partial class UpstreamCredentialOptionsValidator : IValidateOptions<UpstreamCredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamCredentialOptions options)
    {
        const string Section = UpstreamCredentialOptions.SectionName;
        var errors = new List<string>();
        switch (options.Mode)
        {
            case UpstreamCredentialMode.Static:
                ValidateStatic(options, errors);
                break;
            case UpstreamCredentialMode.ServiceAccount or UpstreamCredentialMode.ClientCredentials:
                ValidateOAuth(options, errors);
                break;
            default:
                errors.Add($"{Section}:Mode must be 'Static', 'ServiceAccount' or 'ClientCredentials' (got '{options.Mode}').");
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateStatic(UpstreamCredentialOptions options, List<string> errors)
    {
        const string Section = UpstreamCredentialOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.StaticToken))
        {
            errors.Add($"{Section}:StaticToken is required in Static mode; set it through the environment variable Gateway__Upstream__Credential__StaticToken.");
        }
        else if (options.StaticToken.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7E))
        {
            errors.Add($"{Section}:StaticToken must be visible ASCII (a bearer token, RFC 6750 §2.1).");
        }
    }

    private static void ValidateOAuth(UpstreamCredentialOptions options, List<string> errors)
    {
        const string Section = UpstreamCredentialOptions.SectionName;
        if (!IsHttpUrl(options.LoginUrl, out var login) || login.PathAndQuery != "/" || login.Fragment.Length > 0)
        {
            errors.Add($"{Section}:LoginUrl must be an absolute http(s) URL with no path, e.g. https://login.salesforce.com or the org's My Domain (got '{options.LoginUrl}').");
        }
        else if (login.Scheme != Uri.UriSchemeHttps && !login.IsLoopback)
        {
            errors.Add($"{Section}:LoginUrl must use https (only a loopback stand-in may use http).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{Section}:ClientId is required in {options.Mode} mode: the External Client App's consumer key.");
        }

        if (options.Mode == UpstreamCredentialMode.ClientCredentials && string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            errors.Add($"{Section}:ClientSecret is required in ClientCredentials mode; set it through the environment variable Gateway__Upstream__Credential__ClientSecret.");
        }

        if (string.IsNullOrWhiteSpace(options.Scopes) || !ScopeList().IsMatch(options.Scopes))
        {
            errors.Add($"{Section}:Scopes must be space-separated scope names (RFC 6749 §3.3), e.g. 'mcp_api refresh_token'.");
        }

        Range(errors, "RefreshBefore", options.RefreshBefore, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(errors, "FallbackLifetime", options.FallbackLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        if (options.FallbackLifetime <= options.RefreshBefore)
        {
            errors.Add($"{Section}:FallbackLifetime ({options.FallbackLifetime}) must be longer than {Section}:RefreshBefore ({options.RefreshBefore}), or every token would be refreshed at once.");
        }

        Range(errors, "TokenRequestTimeout", options.TokenRequestTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Range(errors, "RetryDelay", options.RetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Range(errors, "ReconnectCheckInterval", options.ReconnectCheckInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        if (options.TransientRetries is < 0 or > 10)
        {
            errors.Add($"{Section}:TransientRetries must be between 0 and 10 (got {options.TransientRetries}).");
        }

        ValidateConnect(options.Connect, errors);
    }

    private static void ValidateConnect(ConnectOptions connect, List<string> errors)
    {
        const string Section = UpstreamCredentialOptions.SectionName + ":Connect";
        if (!Enum.IsDefined(connect.Access))
        {
            errors.Add($"{Section}:Access must be 'Loopback' or 'AdminKey' (got '{connect.Access}').");
        }

        if (connect.Access == ConnectAccess.AdminKey && connect.AdminKeySha256.Count == 0)
        {
            errors.Add($"{Section}:AdminKeySha256 must list at least one SHA-256 digest when {Section}:Access is 'AdminKey'.");
        }

        for (var i = 0; i < connect.AdminKeySha256.Count; i++)
        {
            if (!Sha256Hex().IsMatch(connect.AdminKeySha256[i] ?? ""))
            {
                errors.Add($"{Section}:AdminKeySha256:{i} must be 64 hexadecimal characters (the SHA-256 of an admin key).");
            }
        }

        if (connect.PublicBaseUrl is not null
            && (!IsHttpUrl(connect.PublicBaseUrl, out var url) || url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0))
        {
            errors.Add($"{Section}:PublicBaseUrl must be an absolute http(s) URL without query or fragment (got '{connect.PublicBaseUrl}').");
        }
    }

    private static void Range(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{UpstreamCredentialOptions.SectionName}:{key} must be between {min} and {max} (got {value}).");
        }
    }

    private static bool IsHttpUrl(string? value, [NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex("^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$")]
    private static partial Regex ScopeList();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
