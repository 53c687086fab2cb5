using Gateway.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Audit;

public sealed class AuditOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = Validate(new AuditOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EverythingSet_Succeeds()
    {
        var options = new AuditOptions
        {
            Sink = AuditSinkKind.File,
            FilePath = Path.Combine(Path.GetTempPath(), "audit.jsonl"),
            EventSource = "gateway.acme.internal",
            AwsRegion = "us-gov-west-1",
            RecipientAccountId = "111122223333",
            PublicMcpUrl = "https://gateway.example.com/mcp",
            IncludeArguments = true,
            RedactedArgumentNames = ["ssn"],
            MaxArgumentBytes = 65536,
            TrustedProxies = ["10.0.0.0/8", "192.0.2.1", "fd00::/8"],
            QueueCapacity = 1,
        };

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, string> InvalidCases => new()
    {
        // case, key the message must name
        { "file sink without path", "Gateway:Audit:FilePath" },
        { "file sink in missing directory", "Gateway:Audit:FilePath" },
        { "file sink path is a directory", "Gateway:Audit:FilePath" },
        { "sink out of range", "Gateway:Audit:Sink" },
        { "event source empty", "Gateway:Audit:EventSource" },
        { "event source with space", "Gateway:Audit:EventSource" },
        { "event source amazonaws", "Gateway:Audit:EventSource" },
        { "region empty", "Gateway:Audit:AwsRegion" },
        { "region uppercase", "Gateway:Audit:AwsRegion" },
        { "region no number", "Gateway:Audit:AwsRegion" },
        { "account short", "Gateway:Audit:RecipientAccountId" },
        { "account letters", "Gateway:Audit:RecipientAccountId" },
        { "public url relative", "Gateway:Audit:PublicMcpUrl" },
        { "public url ftp", "Gateway:Audit:PublicMcpUrl" },
        { "public url with query", "Gateway:Audit:PublicMcpUrl" },
        { "public url with user info", "Gateway:Audit:PublicMcpUrl" },
        { "redacted name blank", "Gateway:Audit:RedactedArgumentNames:1" },
        { "arguments without redaction", "Gateway:Audit:RedactedArgumentNames" },
        { "argument cap small", "Gateway:Audit:MaxArgumentBytes" },
        { "argument cap large", "Gateway:Audit:MaxArgumentBytes" },
        { "proxy hostname", "Gateway:Audit:TrustedProxies:0" },
        { "proxy bad cidr", "Gateway:Audit:TrustedProxies:1" },
        { "queue zero", "Gateway:Audit:QueueCapacity" },
        { "queue huge", "Gateway:Audit:QueueCapacity" },
        { "flush interval negative", "Gateway:Audit:FlushInterval" },
        { "flush interval long", "Gateway:Audit:FlushInterval" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidKey_FailsNamingTheKey(string @case, string key)
    {
        var options = new AuditOptions();
        switch (@case)
        {
            case "file sink without path": options.Sink = AuditSinkKind.File; break;
            case "file sink in missing directory": options.Sink = AuditSinkKind.File; options.FilePath = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "audit.jsonl"); break;
            case "file sink path is a directory": options.Sink = AuditSinkKind.File; options.FilePath = Path.GetTempPath(); break;
            case "sink out of range": options.Sink = (AuditSinkKind)42; break;
            case "event source empty": options.EventSource = " "; break;
            case "event source with space": options.EventSource = "mcp gateway"; break;
            case "event source amazonaws": options.EventSource = "mcp.AmazonAWS.com"; break;
            case "region empty": options.AwsRegion = ""; break;
            case "region uppercase": options.AwsRegion = "US-EAST-1"; break;
            case "region no number": options.AwsRegion = "us-east"; break;
            case "account short": options.RecipientAccountId = "12345"; break;
            case "account letters": options.RecipientAccountId = "11112222333a"; break;
            case "public url relative": options.PublicMcpUrl = "/mcp"; break;
            case "public url ftp": options.PublicMcpUrl = "ftp://gateway.example.com/mcp"; break;
            case "public url with query": options.PublicMcpUrl = "https://gateway.example.com/mcp?key=abc"; break;
            case "public url with user info": options.PublicMcpUrl = "https://user:pw@gateway.example.com/mcp"; break;
            case "redacted name blank": options.RedactedArgumentNames = ["password", "-_ "]; break;
            case "arguments without redaction": options.IncludeArguments = true; options.RedactedArgumentNames = []; break;
            case "argument cap small": options.MaxArgumentBytes = 255; break;
            case "argument cap large": options.MaxArgumentBytes = 65537; break;
            case "proxy hostname": options.TrustedProxies = ["proxy.internal"]; break;
            case "proxy bad cidr": options.TrustedProxies = ["10.0.0.0/8", "10.0.0.0/40"]; break;
            case "queue zero": options.QueueCapacity = 0; break;
            case "queue huge": options.QueueCapacity = 1_000_001; break;
            case "flush interval negative": options.FlushInterval = TimeSpan.FromMilliseconds(-1); break;
            case "flush interval long": options.FlushInterval = TimeSpan.FromSeconds(11); break;
            default: throw new ArgumentOutOfRangeException(nameof(@case));
        }

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralErrors_ReportsEach()
    {
        var result = Validate(new AuditOptions { AwsRegion = "x", QueueCapacity = 0, RecipientAccountId = "1" });

        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void Bind_ConfiguredRedactedNames_AreAddedToDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Audit:RedactedArgumentNames:0"] = "ssn",
            ["Gateway:Audit:TrustedProxies:0"] = "10.0.0.0/8",
            ["Gateway:Audit:Sink"] = "None",
        }).Build();

        var options = configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>()!;

        Assert.Contains("ssn", options.RedactedArgumentNames);
        Assert.Contains("password", options.RedactedArgumentNames);
        Assert.Equal(["10.0.0.0/8"], options.TrustedProxies);
        Assert.Equal(AuditSinkKind.None, options.Sink);
    }

    private static ValidateOptionsResult Validate(AuditOptions options) => new AuditOptionsValidator().Validate(null, options);
}
