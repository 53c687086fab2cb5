using Gateway.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Credentials;

/// <summary>How Salesforce's token-endpoint answers are sorted (reference/domain.md §2.4): terminal, transient or refused.</summary>
public sealed class SalesforceTokenClientTests : IDisposable
{
    private readonly WireMockServer _salesforce = WireMockServer.Start();

    [Theory]
    [InlineData(400, """{"error":"invalid_grant","error_description":"expired access/refresh token"}""", nameof(TokenOutcome.InvalidGrant), "invalid_grant")]
    [InlineData(400, """{"error":"invalid_grant","error_description":"authentication failure"}""", nameof(TokenOutcome.InvalidGrant), "invalid_grant")]
    [InlineData(400, """{"error":"rate_limit_exceeded","error_description":"rate limit exceeded"}""", nameof(TokenOutcome.Transient), "rate_limit_exceeded")]
    [InlineData(400, """{"error":"invalid_client","error_description":"invalid client credentials"}""", nameof(TokenOutcome.Refused), "invalid_client")]
    [InlineData(503, "Service Unavailable", nameof(TokenOutcome.Transient), "http_503")]
    [InlineData(500, """{"error":"server_error"}""", nameof(TokenOutcome.Transient), null)]
    [InlineData(429, "slow down", nameof(TokenOutcome.Transient), "http_429")]
    public async Task Refresh_ErrorAnswers_AreSorted(int status, string body, string outcome, string? error)
    {
        _salesforce.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", body.StartsWith('{') ? "application/json" : "text/plain").WithBody(body));

        var tokens = await Client().RefreshAsync("refresh-SECRET-1", TestContext.Current.CancellationToken);

        Assert.Equal(outcome, tokens.Outcome.ToString());
        if (error is not null)
        {
            Assert.Equal(error, tokens.Error);
        }

        Assert.DoesNotContain("refresh-SECRET-1", tokens.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_Timeout_IsTransient()
    {
        _salesforce.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)).WithBody("{}"));

        var tokens = await Client(timeout: TimeSpan.FromSeconds(1)).RefreshAsync("refresh-SECRET-1", TestContext.Current.CancellationToken);

        Assert.Equal(TokenOutcome.Transient, tokens.Outcome);
        Assert.Equal("timeout", tokens.Error);
    }

    [Fact]
    public async Task Refresh_Unreachable_IsTransient()
    {
        var url = _salesforce.Url!;
        _salesforce.Stop();

        var tokens = await Client(loginUrl: url).RefreshAsync("refresh-SECRET-1", TestContext.Current.CancellationToken);

        Assert.Equal(TokenOutcome.Transient, tokens.Outcome);
        Assert.Equal("connection_failed", tokens.Error);
    }

    [Fact]
    public async Task Refresh_SalesforcesSuccessShape_IsRead_IssuedAtInMilliseconds_NoExpiresIn()
    {
        _salesforce.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""
                {"access_token":"00Dxx!AQ4AQ-access","signature":"c2ln","scope":"api refresh_token","instance_url":"https://acme.my.salesforce.com",
                 "id":"https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA","token_type":"Bearer","issued_at":"1795480508123"}
                """));

        var tokens = await Client().RefreshAsync("refresh-SECRET-1", TestContext.Current.CancellationToken);

        Assert.True(tokens.Succeeded);
        Assert.Null(tokens.ExpiresIn);
        Assert.Null(tokens.RefreshToken);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795480508123), tokens.IssuedAt);
        Assert.Equal("https://acme.my.salesforce.com", tokens.InstanceUrl);
        Assert.Equal("https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA", tokens.IdentityUrl);
        var sent = Assert.Single(_salesforce.LogEntries).RequestMessage;
        Assert.Contains("grant_type=refresh_token", sent.Body, StringComparison.Ordinal);
        Assert.Contains("client_id=consumer-key", sent.Body, StringComparison.Ordinal);
        Assert.False(sent.Headers!.ContainsKey("Authorization"));
    }

    private SalesforceTokenClient Client(TimeSpan? timeout = null, string? loginUrl = null)
    {
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        return new SalesforceTokenClient(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new UpstreamCredentialOptions
        {
            Mode = UpstreamCredentialMode.ServiceAccount,
            LoginUrl = loginUrl ?? _salesforce.Url!,
            ClientId = "consumer-key",
            TokenRequestTimeout = timeout ?? TimeSpan.FromSeconds(30),
        }));
    }

    public void Dispose()
    {
        _salesforce.Stop();
        _salesforce.Dispose();
    }
}
