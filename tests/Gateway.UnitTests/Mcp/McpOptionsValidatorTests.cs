using Gateway.Mcp;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Mcp;

public sealed class McpOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = Validate(new McpOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_BoundaryValuesAndOrigins_Succeeds()
    {
        var options = new McpOptions
        {
            Path = "/",
            MaxRequestBodyBytes = 1024,
            MaxJsonDepth = 8,
            SupportedProtocolVersions = ["2026-07-28"],
            AllowedOrigins = ["https://console.example.com", "http://localhost:3000", "https://app.example.com/"],
        };

        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);

        options.Path = "/api/mcp";
        options.MaxRequestBodyBytes = 64 * 1024 * 1024;
        options.MaxJsonDepth = 256;
        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);
    }

    public static TheoryData<string, string> InvalidCases => new()
    {
        { "path empty", "Gateway:Mcp:Path" },
        { "path relative", "Gateway:Mcp:Path" },
        { "path trailing slash", "Gateway:Mcp:Path" },
        { "body too small", "Gateway:Mcp:MaxRequestBodyBytes" },
        { "body too large", "Gateway:Mcp:MaxRequestBodyBytes" },
        { "depth too small", "Gateway:Mcp:MaxJsonDepth" },
        { "depth too large", "Gateway:Mcp:MaxJsonDepth" },
        { "depth zero", "Gateway:Mcp:MaxJsonDepth" },
        { "versions empty", "Gateway:Mcp:SupportedProtocolVersions" },
        { "versions null", "Gateway:Mcp:SupportedProtocolVersions" },
        { "version unknown", "Gateway:Mcp:SupportedProtocolVersions" },
        { "origin with path", "Gateway:Mcp:AllowedOrigins" },
        { "origin not a url", "Gateway:Mcp:AllowedOrigins" },
        { "origin wildcard", "Gateway:Mcp:AllowedOrigins" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidKey_FailsNamingTheKey(string @case, string key)
    {
        var options = new McpOptions();
        switch (@case)
        {
            case "path empty": options.Path = ""; break;
            case "path relative": options.Path = "mcp"; break;
            case "path trailing slash": options.Path = "/mcp/"; break;
            case "body too small": options.MaxRequestBodyBytes = 1023; break;
            case "body too large": options.MaxRequestBodyBytes = 64 * 1024 * 1024 + 1; break;
            case "depth too small": options.MaxJsonDepth = 7; break;
            case "depth too large": options.MaxJsonDepth = 257; break;
            case "depth zero": options.MaxJsonDepth = 0; break;
            case "versions empty": options.SupportedProtocolVersions = []; break;
            case "versions null": options.SupportedProtocolVersions = null!; break;
            case "version unknown": options.SupportedProtocolVersions = ["2025-06-18", "2099-01-01"]; break;
            case "origin with path": options.AllowedOrigins = ["https://console.example.com/app"]; break;
            case "origin not a url": options.AllowedOrigins = ["console.example.com"]; break;
            case "origin wildcard": options.AllowedOrigins = ["*"]; break;
            default: throw new ArgumentOutOfRangeException(nameof(@case));
        }

        var result = Validate(options);

        Assert.True(result.Failed, @case);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(McpOptions options) => new McpOptionsValidator().Validate(null, options);
}
