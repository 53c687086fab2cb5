using System.Net;
using Gateway.Mcp;
using Gateway.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>A session opened by one principal cannot be used by another (MCP security best practices: bind session ids to the user).</summary>
public sealed class SessionBindingTests : IDisposable
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly GatewayFactory _gateway;

    public SessionBindingTests()
    {
        _upstream.Given(Request.Create().WithPath("/mcp").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithHeader("Mcp-Session-Id", "alice-upstream-session")
                .WithBody("""{"jsonrpc":"2.0","id":1,"result":{}}"""));
        _gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
    }

    [Fact]
    public async Task SessionOfAlice_UsedByBob_Returns404AndNothingIsForwarded()
    {
        using var client = _gateway.CreateGatewayClient();
        using var initialize = await client.SendAsync(McpRequests.Post(McpRequests.Initialize), TestContext.Current.CancellationToken);
        var aliceSession = Assert.Single(initialize.Headers.GetValues("Mcp-Session-Id"));
        var forwardedBefore = _upstream.LogEntries.Count;

        using var asBob = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, TestCredentials.BobApiKey, sessionId: aliceSession), TestContext.Current.CancellationToken);
        using var asAlice = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, TestCredentials.AliceApiKey, sessionId: aliceSession), TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(asBob, HttpStatusCode.NotFound, JsonRpcErrorCodes.SessionNotFound, "session_not_found", "7");
        Assert.Equal(HttpStatusCode.OK, asAlice.StatusCode);
        // The upstream echoes its session id; the client gets back the id it sent, not a new one.
        Assert.Equal(aliceSession, Assert.Single(asAlice.Headers.GetValues("Mcp-Session-Id")));
        var forwarded = _upstream.LogEntries.Skip(forwardedBefore).ToList();
        var only = Assert.Single(forwarded);
        Assert.Equal("alice-upstream-session", only.RequestMessage.Headers!["Mcp-Session-Id"].ToString());
    }

    [Theory]
    [InlineData("alice-upstream-session")]
    [InlineData("CfDJ8forged-session-id")]
    public async Task UnknownOrForgedSessionId_Returns404(string sessionId)
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, sessionId: sessionId), TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.NotFound, JsonRpcErrorCodes.SessionNotFound, "session_not_found", "7");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task SessionId_SealedByOneReplica_IsAcceptedByAnotherSharingTheKeys()
    {
        var shared = new Dictionary<string, string?> { ["Gateway:State:DataDirectory"] = Directory.CreateTempSubdirectory("gateway-shared-").FullName };
        using var replicaA = new GatewayFactory(new Uri(_upstream.Url + "/mcp"), shared);
        using var replicaB = new GatewayFactory(new Uri(_upstream.Url + "/mcp"), shared);
        using var clientA = replicaA.CreateGatewayClient();
        using var clientB = replicaB.CreateGatewayClient();

        using var initialize = await clientA.SendAsync(McpRequests.Post(McpRequests.Initialize), TestContext.Current.CancellationToken);
        var session = Assert.Single(initialize.Headers.GetValues("Mcp-Session-Id"));
        using var onB = await clientB.SendAsync(McpRequests.Post(McpRequests.ToolsCall, sessionId: session), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Equal("alice-upstream-session", _upstream.LogEntries[^1].RequestMessage.Headers!["Mcp-Session-Id"].ToString());
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _upstream.Stop();
        _upstream.Dispose();
    }
}
