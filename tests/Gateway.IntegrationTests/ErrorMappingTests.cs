using System.Net;
using System.Net.Sockets;
using Gateway.Mcp;
using Gateway.Testing;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>Upstream failures are mapped in one place: 502 or 504 with a JSON-RPC error; 404s are told apart.</summary>
public sealed class ErrorMappingTests : IDisposable
{
    private readonly WireMockServer _upstream = WireMockServer.Start();

    [Fact]
    public async Task UpstreamConnectFailure_Returns502WithJsonRpcError()
    {
        using var gateway = new GatewayFactory(new Uri($"http://127.0.0.1:{ClosedPort()}/mcp"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.BadGateway, JsonRpcErrorCodes.UpstreamError, "upstream_unreachable", "7");
    }

    [Fact]
    public async Task UpstreamSilentPastActivityTimeout_Returns504WithJsonRpcError()
    {
        var time = new FakeTimeProvider();
        await using var upstream = await ScriptedUpstream.StartAsync(TestContext.Current.CancellationToken);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Handler = async context =>
        {
            arrived.SetResult();
            // Stay silent until the gateway gives up and aborts the upstream request.
            var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;
        };
        using var gateway = new GatewayFactory(upstream.Endpoint, timeProvider: time);
        using var client = gateway.CreateGatewayClient();

        var pending = client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);
        await arrived.Task.WaitAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.False(pending.IsCompleted, "a 9-minute tool call must not be cut by the default 10-minute activity timeout");
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var response = await pending;

        await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.GatewayTimeout, JsonRpcErrorCodes.UpstreamError, "upstream_timeout", "7");
    }

    [Fact]
    public async Task SalesforceServerDefinitionNotFound_Returns502ConfigurationError()
    {
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json")
            .WithBody("""{"error":{"code":404,"message":"Server definition not found for: sandbox/subject-all"}}"""));
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/platform/mcp/v1-beta.2/sandbox/subject-all"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        var error = await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.BadGateway, JsonRpcErrorCodes.UpstreamError, "upstream_server_not_found", "7");
        Assert.Contains("Server definition not found for: sandbox/subject-all", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Gateway:Upstream:Endpoint", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSession404_PassesThroughUnchanged_SoTheClientReinitializes()
    {
        const string body = """{"jsonrpc":"2.0","id":"server-error","error":{"code":-32001,"message":"Session not found"}}""";
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(body));
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("INVALID_JWT_FORMAT", "JWT")]
    [InlineData("INVALID_SESSION_ID", "reconnected")]
    public async Task Upstream401_Returns502SayingWhatToFix_AndNoUpstreamChallenge(string errorCode, string advice)
    {
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(401)
            .WithHeader("WWW-Authenticate", "Bearer realm=\"salesforce\"")
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""[{"message":"Session expired or invalid","errorCode":"{{errorCode}}"}]"""));
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        var error = await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.BadGateway, JsonRpcErrorCodes.UpstreamCredentialUnavailable, "upstream_credential_rejected", "7");
        Assert.Contains(advice, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("WWW-Authenticate"), "Salesforce's challenge must not send the client to Salesforce");
        Assert.Single(_upstream.LogEntries); // a static token cannot be renewed, so no replay
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _upstream.Stop();
        _upstream.Dispose();
    }
}
