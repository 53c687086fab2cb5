using Microsoft.Extensions.Options;

namespace Gateway.Proxy;

internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var errors = new List<string>();
        const string Section = UpstreamOptions.SectionName;

        if (options.Endpoint is not { IsAbsoluteUri: true } endpoint || endpoint.Scheme is not ("https" or "http"))
        {
            // Never echo user info: a URL with credentials in it would put a password in the start-up error.
            var shown = options.Endpoint is { IsAbsoluteUri: true } absolute ? $"{absolute.Scheme}://{absolute.Host}{absolute.AbsolutePath}" : "a relative URL";
            errors.Add($"{Section}:Endpoint must be an absolute http(s) URL (got '{shown}').");
        }
        else if (!string.IsNullOrEmpty(endpoint.UserInfo) || !string.IsNullOrEmpty(endpoint.Fragment))
        {
            errors.Add($"{Section}:Endpoint must not carry user info or a fragment; credentials belong in {Section}:Credential.");
        }

        if (options.ActivityTimeout < TimeSpan.Zero)
        {
            errors.Add($"{Section}:ActivityTimeout must be positive, or 00:00:00 for no limit (got {options.ActivityTimeout}).");
        }

        if (options.StreamIdleTimeout < TimeSpan.Zero)
        {
            errors.Add($"{Section}:StreamIdleTimeout must be positive, or 00:00:00 for no limit (got {options.StreamIdleTimeout}).");
        }

        if (options.KeepAliveInterval < TimeSpan.Zero || options.KeepAliveInterval > TimeSpan.Zero && options.KeepAliveInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Section}:KeepAliveInterval must be at least 00:00:01, or 00:00:00 to turn keep-alives off (got {options.KeepAliveInterval}).");
        }

        if (options.KeepAliveInterval > TimeSpan.Zero && options.StreamIdleTimeout > TimeSpan.Zero && options.KeepAliveInterval >= options.StreamIdleTimeout)
        {
            errors.Add($"{Section}:KeepAliveInterval ({options.KeepAliveInterval}) must be shorter than {Section}:StreamIdleTimeout ({options.StreamIdleTimeout}).");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:ConnectTimeout must be between 00:00:00.001 and 00:05:00 (got {options.ConnectTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
