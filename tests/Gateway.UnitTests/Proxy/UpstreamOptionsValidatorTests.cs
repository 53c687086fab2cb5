using Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Proxy;

public sealed class UpstreamOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = Validate(new UpstreamOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/mcp", "00:00:00", "00:00:00", "00:00:00", "00:00:00.001")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/platform/sobject-all", "00:10:00", "01:00:00", "00:00:15", "00:05:00")]
    [InlineData("https://mcp.example.com/mcp?tenant=a", "00:00:30", "00:00:02", "00:00:01", "00:00:10")]
    public void Validate_ValidSettings_Succeeds(string endpoint, string activity, string streamIdle, string keepAlive, string connect)
    {
        var options = new UpstreamOptions
        {
            Endpoint = new Uri(endpoint),
            ActivityTimeout = TimeSpan.Parse(activity, System.Globalization.CultureInfo.InvariantCulture),
            StreamIdleTimeout = TimeSpan.Parse(streamIdle, System.Globalization.CultureInfo.InvariantCulture),
            KeepAliveInterval = TimeSpan.Parse(keepAlive, System.Globalization.CultureInfo.InvariantCulture),
            ConnectTimeout = TimeSpan.Parse(connect, System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, string> InvalidCases => new()
    {
        { "endpoint null", "Gateway:Upstream:Endpoint" },
        { "endpoint relative", "Gateway:Upstream:Endpoint" },
        { "endpoint ftp", "Gateway:Upstream:Endpoint" },
        { "endpoint ws", "Gateway:Upstream:Endpoint" },
        { "endpoint user info", "Gateway:Upstream:Endpoint" },
        { "endpoint fragment", "Gateway:Upstream:Endpoint" },
        { "activity negative", "Gateway:Upstream:ActivityTimeout" },
        { "stream idle negative", "Gateway:Upstream:StreamIdleTimeout" },
        { "keep-alive negative", "Gateway:Upstream:KeepAliveInterval" },
        { "keep-alive below a second", "Gateway:Upstream:KeepAliveInterval" },
        { "keep-alive not below stream idle", "Gateway:Upstream:KeepAliveInterval" },
        { "keep-alive above stream idle", "Gateway:Upstream:KeepAliveInterval" },
        { "connect zero", "Gateway:Upstream:ConnectTimeout" },
        { "connect negative", "Gateway:Upstream:ConnectTimeout" },
        { "connect too long", "Gateway:Upstream:ConnectTimeout" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidKey_FailsNamingTheKey(string @case, string key)
    {
        var options = new UpstreamOptions();
        switch (@case)
        {
            case "endpoint null": options.Endpoint = null!; break;
            case "endpoint relative": options.Endpoint = new Uri("/mcp", UriKind.Relative); break;
            case "endpoint ftp": options.Endpoint = new Uri("ftp://example.com/mcp"); break;
            case "endpoint ws": options.Endpoint = new Uri("wss://example.com/mcp"); break;
            case "endpoint user info": options.Endpoint = new Uri("https://user:secret@example.com/mcp"); break;
            case "endpoint fragment": options.Endpoint = new Uri("https://example.com/mcp#x"); break;
            case "activity negative": options.ActivityTimeout = TimeSpan.FromSeconds(-1); break;
            case "stream idle negative": options.StreamIdleTimeout = TimeSpan.FromSeconds(-1); break;
            case "keep-alive negative": options.KeepAliveInterval = TimeSpan.FromSeconds(-1); break;
            case "keep-alive below a second": options.KeepAliveInterval = TimeSpan.FromMilliseconds(999); break;
            case "keep-alive not below stream idle": options.StreamIdleTimeout = TimeSpan.FromSeconds(15); options.KeepAliveInterval = TimeSpan.FromSeconds(15); break;
            case "keep-alive above stream idle": options.StreamIdleTimeout = TimeSpan.FromSeconds(10); options.KeepAliveInterval = TimeSpan.FromSeconds(15); break;
            case "connect zero": options.ConnectTimeout = TimeSpan.Zero; break;
            case "connect negative": options.ConnectTimeout = TimeSpan.FromSeconds(-5); break;
            case "connect too long": options.ConnectTimeout = TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1); break;
            default: throw new ArgumentOutOfRangeException(nameof(@case));
        }

        var result = Validate(options);

        Assert.True(result.Failed, @case);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EndpointWithUserInfo_DoesNotEchoTheSecret()
    {
        var result = Validate(new UpstreamOptions { Endpoint = new Uri("https://user:hunter2@example.com/mcp") });

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Validate(UpstreamOptions options) => new UpstreamOptionsValidator().Validate(null, options);
}
