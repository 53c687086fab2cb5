using System.Net;
using Gateway.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>What crosses the gateway and what never does, with WireMock.Net as the upstream.</summary>
public sealed class ProxyHeaderTests : IDisposable
{
    private const string UpstreamPath = "/platform/mcp/v1/sandbox/platform/sobject-all";
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly GatewayFactory _gateway;

    public ProxyHeaderTests()
    {
        // Anything the test did not script fails loudly (STYLE.md §3, WireMock fallback).
        _upstream.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("unexpected request"));
        _upstream.Given(Request.Create().WithPath(UpstreamPath).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json")
                .WithHeader("Mcp-Session-Id", "upstream-session-1")
                .WithHeader("Set-Cookie", "BrowserId=abc; Path=/")
                .WithBody("""{"jsonrpc":"2.0","id":7,"result":{"content":[]}}"""));
        _upstream.Given(Request.Create().WithPath(UpstreamPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/event-stream").WithBody(": ok\n\n"));
        _upstream.Given(Request.Create().WithPath(UpstreamPath).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(200));
        _gateway = new GatewayFactory(new Uri(_upstream.Url + UpstreamPath));
    }

    [Fact]
    public async Task InboundAuthorization_ApiKeyAndCookies_AreNeverForwardedUpstream()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall);
        request.Headers.Add("Cookie", "sid=client-cookie-SECRET");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer client-supplied-SECRET");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal($"Bearer {TestCredentials.UpstreamToken}", received.Headers!["Authorization"].ToString());
        Assert.DoesNotContain(received.Headers!, h => h.Key.Equals("x-api-key", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(received.Headers!, h => h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(received.Headers!.SelectMany(h => h.Value), v => v.Contains("SECRET-7f3a91c2", StringComparison.Ordinal) || v.Contains("client-", StringComparison.Ordinal));
        Assert.Equal(McpRequests.ToolsCall, received.Body);
    }

    [Fact]
    public async Task AcceptEncoding_AsksTheUpstreamForTheBytesAsTheyAre_WhateverTheClientAccepts()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal("identity", received.Headers!["Accept-Encoding"].ToString());
    }

    [Fact]
    public async Task InboundBearerToken_IsReplacedByTheGatewaysUpstreamToken()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall, apiKey: null);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {TestCredentials.CarolBearerToken}");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal($"Bearer {TestCredentials.UpstreamToken}", received.Headers!["Authorization"].ToString());
    }

    [Fact]
    public async Task McpHeaders_PassThroughUnchanged()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall, protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "soqlQuery");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = Assert.Single(_upstream.LogEntries).RequestMessage.Headers!;
        Assert.Equal("2026-07-28", headers["MCP-Protocol-Version"].ToString());
        Assert.Equal("tools/call", headers["Mcp-Method"].ToString());
        Assert.Equal("soqlQuery", headers["Mcp-Name"].ToString());
    }

    [Fact]
    public async Task UpstreamSessionId_IsSealedForTheClient_AndUnsealedUpstream()
    {
        using var client = _gateway.CreateGatewayClient();
        using var initialize = await client.SendAsync(McpRequests.Post(McpRequests.Initialize), TestContext.Current.CancellationToken);
        var clientSession = Assert.Single(initialize.Headers.GetValues("Mcp-Session-Id"));
        Assert.NotEqual("upstream-session-1", clientSession);
        Assert.DoesNotContain("upstream-session-1", clientSession, StringComparison.Ordinal);
        Assert.False(initialize.Headers.Contains("Set-Cookie"), "upstream cookies must not reach the client");

        using var get = McpRequests.Get(sessionId: clientSession);
        get.Headers.Add("Last-Event-ID", "event-41");
        using var stream = await client.SendAsync(get, TestContext.Current.CancellationToken);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        delete.Headers.Add("Mcp-Session-Id", clientSession);
        using var deleted = await client.SendAsync(delete, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var forwarded = _upstream.LogEntries.Select(e => e.RequestMessage).ToList();
        Assert.Equal(3, forwarded.Count);
        Assert.DoesNotContain(forwarded[0].Headers!, h => h.Key.Equals("Mcp-Session-Id", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("upstream-session-1", forwarded[1].Headers!["Mcp-Session-Id"].ToString());
        Assert.Equal("event-41", forwarded[1].Headers!["Last-Event-ID"].ToString());
        Assert.Equal("DELETE", forwarded[2].Method);
        Assert.Equal("upstream-session-1", forwarded[2].Headers!["Mcp-Session-Id"].ToString());
    }

    [Fact]
    public async Task Notification_Upstream202_IsPassedThrough()
    {
        _upstream.Given(Request.Create().WithPath(UpstreamPath).UsingPost().WithBody(b => b!.Contains("notifications/initialized", StringComparison.Ordinal)))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(202));
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _upstream.Stop();
        _upstream.Dispose();
    }
}
