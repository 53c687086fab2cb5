using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>Every rule on <c>Gateway:Audit</c>; errors accumulate and each names its key (STYLE.md §2).</summary>
internal sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    private const string Section = AuditOptions.SectionName;

    public const int MinArgumentBytes = 256;
    public const int MaxArgumentBytes = 64 * 1024;
    public const int MaxQueueCapacity = 1_000_000;
    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var errors = new List<string>();

        if (!Enum.IsDefined(options.Sink))
        {
            errors.Add($"{Section}:Sink must be Stdout, File or None (got {options.Sink}).");
        }

        if (options.Sink == AuditSinkKind.File)
        {
            ValidateFilePath(options.FilePath, errors);
        }

        if (string.IsNullOrWhiteSpace(options.EventSource) || options.EventSource.Length > 1024 || options.EventSource.Any(char.IsWhiteSpace))
        {
            errors.Add($"{Section}:EventSource must be a non-empty name without spaces, at most 1024 characters.");
        }
        else if (options.EventSource.EndsWith("amazonaws.com", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Section}:EventSource must not end with amazonaws.com: the records would pass for events AWS emitted (got '{options.EventSource}').");
        }

        if (options.AwsRegion is null || !RegionPattern().IsMatch(options.AwsRegion))
        {
            errors.Add($"{Section}:AwsRegion must be an AWS region name such as us-east-1 (got '{options.AwsRegion}').");
        }

        if (options.RecipientAccountId is not null && !AccountIdPattern().IsMatch(options.RecipientAccountId))
        {
            errors.Add($"{Section}:RecipientAccountId must be a 12-digit AWS account id when set.");
        }

        if (options.PublicMcpUrl is not null
            && (!Uri.TryCreate(options.PublicMcpUrl, UriKind.Absolute, out var url)
                || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            errors.Add($"{Section}:PublicMcpUrl must be an absolute http(s) URL without user info, query or fragment, as registered with the agent.");
        }

        ValidateRedactedNames(options, errors);

        if (options.MaxArgumentBytes is < MinArgumentBytes or > MaxArgumentBytes)
        {
            errors.Add($"{Section}:MaxArgumentBytes must be between {MinArgumentBytes} and {MaxArgumentBytes} (got {options.MaxArgumentBytes}).");
        }

        var proxies = options.TrustedProxies ?? [];
        for (var i = 0; i < proxies.Length; i++)
        {
            if (!SourceAddressResolver.TryParseNetwork(proxies[i], out _))
            {
                errors.Add($"{Section}:TrustedProxies:{i} must be an IP address or a CIDR range such as 10.0.0.0/8 (got '{proxies[i]}').");
            }
        }

        if (options.QueueCapacity is < 1 or > MaxQueueCapacity)
        {
            errors.Add($"{Section}:QueueCapacity must be between 1 and {MaxQueueCapacity} (got {options.QueueCapacity}).");
        }

        if (options.FlushInterval < TimeSpan.Zero || options.FlushInterval > MaxFlushInterval)
        {
            errors.Add($"{Section}:FlushInterval must be between 00:00:00 and {MaxFlushInterval:c} (got {options.FlushInterval:c}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateFilePath(string? filePath, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(filePath))
        {
            errors.Add($"{Section}:FilePath is required when {Section}:Sink is File.");
            return;
        }

        string? directory;
        try
        {
            directory = Path.GetDirectoryName(Path.GetFullPath(filePath));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"{Section}:FilePath is not a valid path (got '{filePath}').");
            return;
        }

        if (directory is null || !Directory.Exists(directory))
        {
            errors.Add($"{Section}:FilePath must be in an existing directory (got '{filePath}').");
        }
        else if (Directory.Exists(filePath))
        {
            errors.Add($"{Section}:FilePath names a directory, not a file (got '{filePath}').");
        }
    }

    private static void ValidateRedactedNames(AuditOptions options, List<string> errors)
    {
        var names = options.RedactedArgumentNames ?? [];
        for (var i = 0; i < names.Length; i++)
        {
            if (ArgumentRedactor.Normalize(names[i] ?? "").Length == 0)
            {
                errors.Add($"{Section}:RedactedArgumentNames:{i} must contain a letter or digit (got '{names[i]}').");
            }
        }

        if (options.IncludeArguments && names.Length == 0)
        {
            errors.Add($"{Section}:RedactedArgumentNames must name at least one argument when {Section}:IncludeArguments is true.");
        }
    }

    // us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1, us-isob-east-1.
    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[0-9]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountIdPattern();
}
