using Gateway.Credentials;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Credentials;

public sealed class UpstreamCredentialOptionsValidatorTests
{
    [Theory]
    [InlineData("00Dxx0000000001!AQ4AQFakeToken")]
    [InlineData("a")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/=")]
    public void Validate_StaticWithVisibleAsciiToken_Succeeds(string token)
    {
        var result = Validate(new UpstreamCredentialOptions { Mode = UpstreamCredentialMode.Static, StaticToken = token });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(null, "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("   ", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("two words", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("token\r\nX-Injected: 1", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("tökén", "Gateway:Upstream:Credential:StaticToken")]
    public void Validate_InvalidStaticToken_FailsNamingTheKey(string? token, string key)
    {
        var result = Validate(new UpstreamCredentialOptions { Mode = UpstreamCredentialMode.Static, StaticToken = token });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UndefinedMode_FailsNamingTheKey()
    {
        var result = Validate(new UpstreamCredentialOptions { Mode = (UpstreamCredentialMode)42 });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith("Gateway:Upstream:Credential:Mode ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_InvalidToken_DoesNotEchoIt()
    {
        var result = Validate(new UpstreamCredentialOptions { StaticToken = "secret-token-with space" });

        Assert.True(result.Failed);
        Assert.DoesNotContain("secret-token", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UpstreamCredentialMode.ServiceAccount, null)]
    [InlineData(UpstreamCredentialMode.ClientCredentials, "consumer-secret")]
    public void Validate_OAuthModesWithTheirSettings_Succeed(UpstreamCredentialMode mode, string? secret)
    {
        var result = Validate(OAuth(mode, secret));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("ClientId", "Gateway:Upstream:Credential:ClientId")]
    [InlineData("LoginUrl", "Gateway:Upstream:Credential:LoginUrl")]
    [InlineData("LoginUrlWithPath", "Gateway:Upstream:Credential:LoginUrl")]
    [InlineData("PlainHttpLogin", "Gateway:Upstream:Credential:LoginUrl")]
    [InlineData("Scopes", "Gateway:Upstream:Credential:Scopes")]
    [InlineData("RefreshBefore", "Gateway:Upstream:Credential:RefreshBefore")]
    [InlineData("FallbackShorterThanMargin", "Gateway:Upstream:Credential:FallbackLifetime")]
    [InlineData("TransientRetries", "Gateway:Upstream:Credential:TransientRetries")]
    [InlineData("AdminKeyWithoutDigest", "Gateway:Upstream:Credential:Connect:AdminKeySha256")]
    [InlineData("BadDigest", "Gateway:Upstream:Credential:Connect:AdminKeySha256:0")]
    [InlineData("PublicBaseUrl", "Gateway:Upstream:Credential:Connect:PublicBaseUrl")]
    public void Validate_InvalidOAuthSetting_FailsNamingTheKey(string broken, string key)
    {
        var options = OAuth(UpstreamCredentialMode.ServiceAccount, null);
        switch (broken)
        {
            case "ClientId": options.ClientId = " "; break;
            case "LoginUrl": options.LoginUrl = "login.salesforce.com"; break;
            case "LoginUrlWithPath": options.LoginUrl = "https://login.salesforce.com/services/oauth2"; break;
            case "PlainHttpLogin": options.LoginUrl = "http://login.salesforce.com"; break;
            case "Scopes": options.Scopes = "api  \"quoted\""; break;
            case "RefreshBefore": options.RefreshBefore = TimeSpan.FromHours(2); break;
            case "FallbackShorterThanMargin": options.FallbackLifetime = TimeSpan.FromMinutes(2); options.RefreshBefore = TimeSpan.FromMinutes(3); break;
            case "TransientRetries": options.TransientRetries = -1; break;
            case "AdminKeyWithoutDigest": options.Connect.Access = ConnectAccess.AdminKey; break;
            case "BadDigest": options.Connect.AdminKeySha256.Add("not-hex"); break;
            case "PublicBaseUrl": options.Connect.PublicBaseUrl = "https://gateway.example.com/?x=1"; break;
        }

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ClientCredentialsWithoutSecret_FailsNamingTheKey()
    {
        var result = Validate(OAuth(UpstreamCredentialMode.ClientCredentials, null));

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith("Gateway:Upstream:Credential:ClientSecret is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LoopbackStandInOverHttp_Succeeds()
    {
        var options = OAuth(UpstreamCredentialMode.ServiceAccount, null);
        options.LoginUrl = "http://127.0.0.1:5081";

        Assert.True(Validate(options).Succeeded);
    }

    private static UpstreamCredentialOptions OAuth(UpstreamCredentialMode mode, string? secret) => new()
    {
        Mode = mode,
        ClientId = "3MVG9consumer-key",
        ClientSecret = secret,
        LoginUrl = "https://test.salesforce.com",
    };

    private static ValidateOptionsResult Validate(UpstreamCredentialOptions options) => new UpstreamCredentialOptionsValidator().Validate(null, options);
}
