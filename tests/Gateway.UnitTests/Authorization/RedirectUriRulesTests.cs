using Gateway.Authorization;

namespace Gateway.UnitTests.Authorization;

public sealed class RedirectUriRulesTests
{
    [Theory]
    [InlineData("https://api.prod.cp.aidevops.us-east-1.api.aws/v1/register/mcpserver/callback")]
    [InlineData("https://claude.ai/api/mcp/auth_callback")]
    [InlineData("http://127.0.0.1:33418/callback")]
    [InlineData("http://localhost:6274/oauth/callback")]
    [InlineData("http://[::1]:8080/cb")]
    public void Check_HttpsOrLoopback_IsAccepted(string uri) => Assert.Null(RedirectUriRules.Check(uri));

    [Theory]
    [InlineData("http://example.com/callback")]
    [InlineData("https://example.com/callback#fragment")]
    [InlineData("https://user:pw@example.com/callback")]
    [InlineData("/relative/callback")]
    [InlineData("javascript:alert(1)")]
    [InlineData("custom-scheme://callback")]
    [InlineData("")]
    [InlineData(null)]
    public void Check_AnythingElse_IsRefusedWithAReason(string? uri) => Assert.NotNull(RedirectUriRules.Check(uri));
}
