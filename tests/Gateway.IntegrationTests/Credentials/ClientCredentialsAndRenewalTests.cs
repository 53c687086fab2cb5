using System.Net;
using Gateway.Mcp;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Gateway.IntegrationTests.Credentials;

public sealed class ClientCredentialsAndRenewalTests
{
    [Fact]
    public async Task ClientCredentials_OneTokenRequest_ThenServedFromMemory_UntilExpiry()
    {
        using var gateway = new OAuthGateway(mode: "ClientCredentials");

        for (var i = 0; i < 5; i++)
        {
            using var call = await gateway.ToolsCallAsync();
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        gateway.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var afterExpiry = await gateway.ToolsCallAsync();
        var (status, credential) = await gateway.ReadinessAsync();

        Assert.Equal(HttpStatusCode.OK, afterExpiry.StatusCode);
        Assert.Equal(2, gateway.Stub.ClientCredentialsRequests);
        Assert.Equal(gateway.Stub.IssuedAccessTokens, gateway.UpstreamTokens.Distinct());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ClientCredentials", credential.GetProperty("data").GetProperty("mode").GetString());
        Assert.DoesNotContain(SalesforceOAuthStub.ClientSecret, gateway.Factory.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_ClientsGetAClearError_AndRetriesBackOff()
    {
        using var gateway = new OAuthGateway(mode: "ClientCredentials", settings: new Dictionary<string, string?>
        {
            ["Gateway:Upstream:Credential:ClientSecret"] = "wrong-secret-SECRET-0000",
        });

        using var first = await gateway.ToolsCallAsync();
        using var second = await gateway.ToolsCallAsync();

        var error = await JsonRpcAssert.ErrorAsync(first, HttpStatusCode.ServiceUnavailable, JsonRpcErrorCodes.UpstreamCredentialUnavailable, "upstream_credential_unavailable", "7");
        Assert.Contains("invalid_client", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        // The start-up load and the first request may share one attempt; the second waits out the backoff.
        Assert.Equal(1, gateway.Stub.ClientCredentialsRequests);
        Assert.DoesNotContain("wrong-secret-SECRET", gateway.Factory.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream401_RefreshesTheGrantOnce_AndReplaysWithTheNewToken()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        var rejected = gateway.Stub.IssuedAccessTokens[0];
        // Salesforce invalidated the session early (e.g. an admin ended it): the token is refused before its exp.
        gateway.Upstream.Given(Request.Create().WithPath("/mcp").UsingPost().WithHeader("Authorization", "Bearer " + rejected)).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));

        using var call = await gateway.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(1, gateway.Stub.Refreshes);
        Assert.Equal([rejected, gateway.Stub.IssuedAccessTokens[1]], gateway.UpstreamTokens);
    }

    [Fact]
    public async Task Upstream401Again_AfterTheRefresh_ReachesTheClientAsAClearError_WithoutALoop()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        gateway.Upstream.Given(Request.Create().WithPath("/mcp").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""[{"message":"Bad JWT","errorCode":"INVALID_JWT_FORMAT"}]"""));

        using var call = await gateway.ToolsCallAsync();

        var error = await JsonRpcAssert.ErrorAsync(call, HttpStatusCode.BadGateway, JsonRpcErrorCodes.UpstreamCredentialUnavailable, "upstream_credential_rejected", "7");
        Assert.Contains("JWT-based access tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, gateway.Upstream.LogEntries.Count);
        Assert.Equal(1, gateway.Stub.Refreshes);
    }

    [Fact]
    public async Task AuditRecord_NamesTheSalesforceUserAndOrgOfTheGrant()
    {
        var records = new AuditCapture();
        using var gateway = new OAuthGateway(configureServices: services => services.AddSingleton<Gateway.Audit.IAuditSink>(records));
        await gateway.ConnectSucceedsAsync();

        using var call = await gateway.ToolsCallAsync();

        var json = Assert.Single(records.Json);
        Assert.Empty(AuditSchema.Errors(json));
        using var record = System.Text.Json.JsonDocument.Parse(json);
        var onBehalfOf = record.RootElement.GetProperty("userIdentity").GetProperty("onBehalfOf");
        Assert.Equal(SalesforceOAuthStub.UserId, onBehalfOf.GetProperty("userId").GetString());
        Assert.Equal(SalesforceOAuthStub.OrganizationId, onBehalfOf.GetProperty("organizationId").GetString());
        foreach (var token in gateway.Stub.IssuedTokens)
        {
            Assert.DoesNotContain(token, json, StringComparison.Ordinal);
        }
    }

    private sealed class AuditCapture : Gateway.Audit.IAuditSink
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _json = new();

        public IReadOnlyCollection<string> Json => _json;

        public void Write(Gateway.Audit.AuditRecord record) => _json.Enqueue(Gateway.Audit.AuditJson.Serialize(record));
    }
}
