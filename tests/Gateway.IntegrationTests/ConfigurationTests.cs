using Gateway.Testing;
using Microsoft.Extensions.Options;

namespace Gateway.IntegrationTests;

/// <summary>
/// The root appsettings.json through the real options pipeline (STYLE.md §3 "Config conformance").
/// Secrets are not in the file by design, so it must start once the environment supplies them,
/// and fail naming exactly those keys when it does not.
/// </summary>
public sealed class ConfigurationTests
{
    private static readonly Uri s_anyUpstream = new("http://127.0.0.1:9/mcp");

    [Fact]
    public void RootAppSettings_WithSecretsFromEnvironment_PassesValidationAtStart()
    {
        using var gateway = new GatewayFactory(s_anyUpstream, new Dictionary<string, string?> { ["Gateway:Upstream:Endpoint"] = null });

        using var client = gateway.CreateGatewayClient();

        // The endpoint came from the file: the user's beta URL, with its start-up warnings.
        Assert.Contains(gateway.Logs.Entries, static e => e.EventId.Id == 1002 && e.Message.Contains("sobject-all", StringComparison.Ordinal));
        Assert.Contains(gateway.Logs.Entries, static e => e.EventId.Id == 1003 && e.Message.Contains("https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Gateway:Inbound:ApiKeys:0:Sha256", null, "Gateway:Inbound:ApiKeys")]
    [InlineData("Gateway:Upstream:Credential:StaticToken", null, "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("Gateway:Inbound:ApiKeys:0:Sha256", "not-a-hash", "Gateway:Inbound:ApiKeys:0:Sha256")]
    [InlineData("Gateway:Mcp:MaxJsonDepth", "1", "Gateway:Mcp:MaxJsonDepth")]
    [InlineData("Gateway:Mcp:Path", "mcp", "Gateway:Mcp:Path")]
    [InlineData("Gateway:Mcp:SupportedProtocolVersions:0", "1999-01-01", "Gateway:Mcp:SupportedProtocolVersions")]
    [InlineData("Gateway:Upstream:Endpoint", "ftp://example.com/mcp", "Gateway:Upstream:Endpoint")]
    [InlineData("Gateway:Upstream:KeepAliveInterval", "00:00:00.5", "Gateway:Upstream:KeepAliveInterval")]
    [InlineData("Gateway:Upstream:ActivityTimeout", "-00:00:01", "Gateway:Upstream:ActivityTimeout")]
    [InlineData("Gateway:Upstream:Credential:Mode", "Magic", "Gateway:Upstream:Credential:Mode")]
    [InlineData("Gateway:Health:ProbeTimeout", "00:00:00", "Gateway:Health:ProbeTimeout")]
    [InlineData("Gateway:Inbound:ApiKeyHeader", "Authorization", "Gateway:Inbound:ApiKeyHeader")]
    [InlineData("Gateway:State:Provider", "Oracle", "Gateway:State:Provider")]
    [InlineData("Gateway:Upstream:Credential:Mode", "ServiceAccount", "Gateway:Upstream:Credential:ClientId")]
    public async Task InvalidSetting_FailsAtStart_NamingTheKey(string key, string? value, string named)
    {
        // The gateway's own entry point with the root appsettings.json (--contentRoot) and settings as
        // command-line arguments: exactly how an operator starts it.
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Gateway:State:DataDirectory"] = Directory.CreateTempSubdirectory("gateway-config-").FullName,
            ["Gateway:Upstream:Credential:StaticToken"] = TestCredentials.UpstreamToken,
            ["Gateway:Inbound:ApiKeys:0:Id"] = "alice",
            ["Gateway:Inbound:ApiKeys:0:Sha256"] = TestCredentials.Sha256Hex(TestCredentials.AliceApiKey),
        };
        if (value is null)
        {
            settings.Remove(key);
        }
        else
        {
            settings[key] = value;
        }

        string[] args = ["--contentRoot", GatewayFactory.RepositoryRoot, "--environment", "Testing", .. settings.Select(static s => $"--{s.Key}={s.Value}")];
        var entryPoint = typeof(Program).Assembly.EntryPoint!;

        var run = Task.Run(() => entryPoint.Invoke(null, [args]), TestContext.Current.CancellationToken);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));

        // A value that cannot bind (an unknown enum name) fails in the binder, which names the key too.
        var messages = failure.InnerException switch
        {
            OptionsValidationException validation => validation.Failures,
            InvalidOperationException binding => [binding.Message],
            var other => throw new Xunit.Sdk.XunitException($"Unexpected start-up failure: {other}"),
        };
        Assert.Contains(messages, f => f.Contains(named, StringComparison.Ordinal));
    }
}
