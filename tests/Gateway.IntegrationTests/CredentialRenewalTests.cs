using System.Net;
using Gateway.Credentials;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>
/// The credential seam's 401 path: renew once, replay the validated body once with the new token,
/// never loop. The static provider cannot renew; this fake can, as the OAuth provider will.
/// </summary>
public sealed class CredentialRenewalTests : IDisposable
{
    private const string StaleToken = "stale-upstream-SECRET-1";
    private const string FreshToken = "fresh-upstream-SECRET-2";
    private readonly WireMockServer _upstream = WireMockServer.Start();

    [Fact]
    public async Task Upstream401_RenewsOnce_AndReplaysTheSameBodyWithTheNewToken()
    {
        _upstream.Given(Request.Create().UsingPost().WithHeader("Authorization", $"Bearer {StaleToken}"))
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""[{"errorCode":"INVALID_SESSION_ID"}]"""));
        _upstream.Given(Request.Create().UsingPost().WithHeader("Authorization", $"Bearer {FreshToken}"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":7,"result":{}}"""));
        var credentials = new RenewableCredentials(StaleToken, FreshToken);
        using var gateway = Create(credentials);
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, credentials.Renewals);
        var sent = _upstream.LogEntries.Select(static e => e.RequestMessage).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal($"Bearer {FreshToken}", sent[1].Headers!["Authorization"].ToString());
        Assert.Equal(McpRequests.ToolsCall, sent[1].Body);
        Assert.Equal(sent[0].Headers!["MCP-Protocol-Version"].ToString(), sent[1].Headers!["MCP-Protocol-Version"].ToString());
    }

    [Fact]
    public async Task Upstream401AfterRenewal_IsReportedOnce_NeverLoops()
    {
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(401).WithBody("""[{"errorCode":"INVALID_SESSION_ID"}]"""));
        var credentials = new RenewableCredentials(StaleToken, FreshToken);
        using var gateway = Create(credentials);
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.BadGateway, JsonRpcErrorCodes.UpstreamCredentialUnavailable, "upstream_credential_rejected", "7");
        Assert.Equal(2, _upstream.LogEntries.Count);
        Assert.Equal(1, credentials.Renewals);
        var logs = gateway.Logs.AllText();
        Assert.DoesNotContain(StaleToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(FreshToken, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCredentialAvailable_Returns503_AndForwardsNothing()
    {
        using var gateway = Create(new RenewableCredentials(null, null));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, JsonRpcErrorCodes.UpstreamCredentialUnavailable, "upstream_credential_unavailable", "7");
        Assert.Empty(_upstream.LogEntries);
    }

    private GatewayFactory Create(IUpstreamCredentialProvider credentials) =>
        new(new Uri(_upstream.Url + "/mcp"), configureServices: services =>
        {
            services.RemoveAll<IUpstreamCredentialProvider>();
            services.AddSingleton(credentials);
        });

    public void Dispose()
    {
        _upstream.Stop();
        _upstream.Dispose();
    }

    private sealed class RenewableCredentials(string? first, string? renewed) : IUpstreamCredentialProvider
    {
        private string? _current = first;

        public int Renewals { get; private set; }

        public ValueTask<UpstreamCredentialResult> GetTokenAsync(GatewayPrincipal principal, CancellationToken cancellationToken) =>
            new(_current is null ? UpstreamCredentialResult.Failure("The gateway must be reconnected to Salesforce.") : UpstreamCredentialResult.Success(_current));

        public ValueTask<bool> RenewAsync(GatewayPrincipal principal, string rejectedToken, CancellationToken cancellationToken)
        {
            Renewals++;
            _current = renewed;
            return new(renewed is not null && renewed != rejectedToken);
        }

        public UpstreamCredentialStatus Describe() => new(_current is not null, "Test", "test credential");
    }
}
