using Gateway.Credentials;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Credentials;

public sealed class UpstreamCredentialOptionsValidatorTests
{
    [Theory]
    [InlineData("Static", "00Dxx0000000001!AQ4AQFakeToken")]
    [InlineData("static", "a")]
    [InlineData("STATIC", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/=")]
    public void Validate_StaticWithVisibleAsciiToken_Succeeds(string mode, string token)
    {
        var result = Validate(new UpstreamCredentialOptions { Mode = mode, StaticToken = token });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("OAuth", "token", "Gateway:Upstream:Credential:Mode")]
    [InlineData("", "token", "Gateway:Upstream:Credential:Mode")]
    [InlineData("Static", null, "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("Static", "", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("Static", "   ", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("Static", "two words", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("Static", "token\r\nX-Injected: 1", "Gateway:Upstream:Credential:StaticToken")]
    [InlineData("Static", "tökén", "Gateway:Upstream:Credential:StaticToken")]
    public void Validate_InvalidKey_FailsNamingTheKey(string mode, string? token, string key)
    {
        var result = Validate(new UpstreamCredentialOptions { Mode = mode, StaticToken = token });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_InvalidToken_DoesNotEchoIt()
    {
        var result = Validate(new UpstreamCredentialOptions { StaticToken = "secret-token-with space" });

        Assert.True(result.Failed);
        Assert.DoesNotContain("secret-token", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Validate(UpstreamCredentialOptions options) => new UpstreamCredentialOptionsValidator().Validate(null, options);
}
