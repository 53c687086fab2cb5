using Gateway.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>Drives successes and every kind of failure with recognisable secrets, then scans everything the gateway logged and answered.</summary>
public sealed class SecretScanTests : IDisposable
{
    private readonly WireMockServer _upstream = WireMockServer.Start();

    [Fact]
    public async Task NoSecret_AppearsInLogsOrResponses()
    {
        _upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("initialize", StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Mcp-Session-Id", "s-1").WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":1,"result":{}}"""));
        _upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("tools/call", StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""[{"errorCode":"INVALID_JWT_FORMAT"}]"""));
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();
        var answers = new List<string>();

        foreach (var request in new[]
        {
            McpRequests.Post(McpRequests.Initialize),
            McpRequests.Post(McpRequests.ToolsCall),
            McpRequests.Post(McpRequests.ToolsCall, apiKey: TestCredentials.AliceApiKey + "x"),
            McpRequests.Post("{not json", apiKey: TestCredentials.BobApiKey),
            McpRequests.Post(McpRequests.ToolsCall, apiKey: TestCredentials.BobApiKey, sessionId: "forged"),
        })
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            answers.Add(response.Headers + "\n" + await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        using var ready = await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        answers.Add(await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var emitted = gateway.Logs.AllText() + "\n" + string.Join("\n", answers);
        Assert.NotEmpty(gateway.Logs.Entries);
        foreach (var secret in TestCredentials.AllSecrets)
        {
            Assert.DoesNotContain(secret, emitted, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _upstream.Stop();
        _upstream.Dispose();
    }
}
