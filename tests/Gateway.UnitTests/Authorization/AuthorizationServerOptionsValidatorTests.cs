using Gateway.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Authorization;

public sealed class AuthorizationServerOptionsValidatorTests
{
    [Fact]
    public void Validate_Disabled_SucceedsWhateverElseIsSet()
    {
        var result = Validate(new AuthorizationServerOptions { Enabled = false, PublicBaseUrl = "ftp://nope", Scope = "" }, clientId: null);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EnabledWithDefaults_Succeeds()
    {
        var result = Validate(new AuthorizationServerOptions { Enabled = true, PublicBaseUrl = "https://mcp-gateway.example.com" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("http://mcp-gateway.example.com")]
    [InlineData("https://mcp-gateway.example.com/mcp")]
    [InlineData("https://mcp-gateway.example.com/?a=1")]
    [InlineData("https://user:pw@mcp-gateway.example.com")]
    [InlineData("mcp-gateway.example.com")]
    public void Validate_PublicBaseUrlNotAnHttpsOrigin_FailsNamingTheKey(string url)
    {
        var result = Validate(new AuthorizationServerOptions { Enabled = true, PublicBaseUrl = url });

        Assert.Contains(result.Failures ?? [], f => f.StartsWith("Gateway:Authorization:PublicBaseUrl ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HttpOnLoopback_IsAccepted()
    {
        var result = Validate(new AuthorizationServerOptions { Enabled = true, PublicBaseUrl = "http://127.0.0.1:5080" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_WithoutTheExternalClientAppsClientId_FailsNamingThatKey()
    {
        var result = Validate(new AuthorizationServerOptions { Enabled = true }, clientId: null);

        Assert.Contains(result.Failures ?? [], f => f.StartsWith("Gateway:Upstream:Credential:ClientId ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadClients_FailNamingEachKey()
    {
        var options = new AuthorizationServerOptions
        {
            Enabled = true,
            Clients =
            {
                new ConfiguredClient { ClientId = "agent", ClientCredentials = true },
                new ConfiguredClient { ClientId = "agent", ClientSecret = "short", RedirectUris = { "http://example.com/cb" } },
                new ConfiguredClient { ClientId = "bad id!" },
            },
        };

        var failures = Validate(options).Failures ?? [];

        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Clients:0:ClientSecret ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Clients:1:ClientId ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Clients:1:ClientSecret ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Clients:1:RedirectUris:0 ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Clients:2:ClientId ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Clients:2:RedirectUris ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_InitialAccessTokenPolicyWithoutAHash_FailsNamingTheKey()
    {
        var options = new AuthorizationServerOptions { Enabled = true, Registration = { Policy = RegistrationPolicy.InitialAccessToken } };

        Assert.Contains(Validate(options).Failures ?? [], f => f.StartsWith("Gateway:Authorization:Registration:InitialAccessTokenSha256 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NonPositiveDurationsAndLimits_FailNamingEachKey()
    {
        var options = new AuthorizationServerOptions
        {
            Enabled = true,
            AccessTokenLifetime = TimeSpan.Zero,
            SignInLifetime = TimeSpan.FromMinutes(-1),
            Registration = { PermitLimit = 0 },
            Scope = "two words",
        };

        var failures = Validate(options).Failures ?? [];

        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:AccessTokenLifetime ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:SignInLifetime ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Registration:PermitLimit ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gateway:Authorization:Scope ", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(AuthorizationServerOptions options, string? clientId = "eca-client-id")
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Upstream:Credential:ClientId"] = clientId })
            .Build();
        return new AuthorizationServerOptionsValidator(configuration).Validate(Options.DefaultName, options);
    }
}
