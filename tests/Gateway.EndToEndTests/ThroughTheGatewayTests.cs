using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gateway.EndToEndTests;

/// <summary>
/// The MCP C# SDK client, through the real gateway, to a real MCP server: every operation an agent
/// uses, in the initialize-handshake eras and in the stateless 2026-07-28 era.
/// </summary>
public sealed class ThroughTheGatewayTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    // null: the SDK default, which probes with server/discover (2026-07-28) and falls back to initialize.
    public static TheoryData<string?> Versions => new(["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28", null]);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Client_ListsAndCallsTools(string? protocolVersion)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await sandbox.ConnectAsync(protocolVersion: protocolVersion, cancellationToken: cancellationToken);

        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        var user = await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);
        var query = await client.CallToolAsync("soqlQuery", new Dictionary<string, object?> { ["query"] = "SELECT Id, Name FROM Account LIMIT 2" }, cancellationToken: cancellationToken);

        Assert.Contains(tools, static t => t.Name == "soqlQuery");
        Assert.Contains(tools, static t => t.Name == "getObjectSchema");
        Assert.NotEqual(true, user.IsError);
        Assert.Contains("sandbox.user@example.com", Text(user), StringComparison.Ordinal);
        Assert.NotEqual(true, query.IsError);
        using var records = JsonDocument.Parse(Text(query));
        Assert.Equal(2, records.RootElement.GetProperty("records").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ToolCall_StreamsProgressNotificationsOverSse(string? protocolVersion)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // A client-lifetime handler: the SDK client drops a per-call IProgress registration when the
        // result completes, even if a notification that arrived before the result is still queued for
        // dispatch (seen directly against the server too; the raw-bytes test below shows the gateway
        // relays every progress event before the result).
        var progress = new Collecting(expected: 3);
        var handlers = new McpClientHandlers
        {
            NotificationHandlers = [new("notifications/progress", (notification, _) =>
            {
                progress.Report(notification.Params!["progress"]!.GetValue<float>());
                return ValueTask.CompletedTask;
            })],
        };
        await using var client = await sandbox.ConnectAsync(protocolVersion: protocolVersion, cancellationToken: cancellationToken, handlers: handlers);

        var result = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = "runLongReport",
            Arguments = new Dictionary<string, JsonElement> { ["steps"] = JsonSerializer.SerializeToElement(3) },
            Meta = new System.Text.Json.Nodes.JsonObject { ["progressToken"] = "report-1" },
        }, cancellationToken);

        Assert.NotEqual(true, result.IsError);
        await progress.AllArrived.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Equal([1f, 2f, 3f], progress.Values.Order());
    }

    [Theory]
    [InlineData("2025-03-26")]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public async Task ProgressEvents_AreRelayedInOrder_BeforeTheResult(string protocolVersion)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = sandbox.Gateway.CreateGatewayClient();
        using var initialized = await http.SendAsync(Post(McpBodies.Initialize(protocolVersion), TestCredentials.AliceApiKey, version: protocolVersion), cancellationToken);
        var session = Assert.Single(initialized.Headers.GetValues("Mcp-Session-Id"));
        using var ack = await http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", TestCredentials.AliceApiKey, session, protocolVersion), cancellationToken);

        using var call = await http.SendAsync(Post(
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"runLongReport","arguments":{"steps":3},"_meta":{"progressToken":"p1"}}}""",
            TestCredentials.AliceApiKey, session, protocolVersion), cancellationToken);
        var stream = await call.Content.ReadAsStringAsync(cancellationToken);

        Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
        var result = stream.IndexOf("\"id\":5", StringComparison.Ordinal);
        Assert.True(result > 0, stream);
        Assert.Equal(3, stream[..result].Split("notifications/progress").Length - 1);
        Assert.DoesNotContain("notifications/progress", stream[result..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcesAndPrompts_PassThrough()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await sandbox.ConnectAsync(cancellationToken: cancellationToken);

        var resources = await client.ListResourcesAsync(cancellationToken: cancellationToken);
        var read = await client.ReadResourceAsync(resources[0].Uri, cancellationToken: cancellationToken);
        var prompts = await client.ListPromptsAsync(cancellationToken: cancellationToken);

        Assert.NotEmpty(resources);
        Assert.NotEmpty(read.Contents);
        Assert.NotEmpty(prompts);
    }

    [Fact]
    public async Task ToolError_ComesBackAsIsErrorResult_NotAsTransportError()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await sandbox.ConnectAsync(cancellationToken: cancellationToken);

        var result = await client.CallToolAsync("soqlQuery", new Dictionary<string, object?> { ["query"] = "DELETE everything" }, cancellationToken: cancellationToken);

        Assert.True(result.IsError);
    }

    [Fact]
    public async Task Session_GetStreamAndDelete_WorkThroughTheGateway_AndBindToThePrincipal()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = sandbox.Gateway.CreateGatewayClient();
        using var initialize = Post(McpBodies.Initialize("2025-06-18"), TestCredentials.AliceApiKey);
        using var initialized = await http.SendAsync(initialize, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);
        var session = Assert.Single(initialized.Headers.GetValues("Mcp-Session-Id"));
        using var notified = await http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", TestCredentials.AliceApiKey, session), cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, notified.StatusCode);

        // The standalone GET stream: headers arrive at once although no event is pending.
        using var get = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        get.Headers.Accept.ParseAdd("text/event-stream");
        get.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        get.Headers.Add("Mcp-Session-Id", session);
        get.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        using (var stream = await http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        }

        // Another principal cannot use alice's session.
        using var asBob = await http.SendAsync(Post(McpBodies.ToolsList, TestCredentials.BobApiKey, session), cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, asBob.StatusCode);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        delete.Headers.Add("Mcp-Session-Id", session);
        delete.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        using var deleted = await http.SendAsync(delete, cancellationToken);
        Assert.True(deleted.IsSuccessStatusCode, $"DELETE answered {deleted.StatusCode}");

        // The upstream ended the session; its 404 reaches the client unchanged, so it re-initializes.
        using var afterDelete = await http.SendAsync(Post(McpBodies.ToolsList, TestCredentials.AliceApiKey, session), cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
    }

    private static HttpRequestMessage Post(string body, string apiKey, string? session = null, string version = "2025-06-18")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("x-api-key", apiKey);
        request.Headers.Add("MCP-Protocol-Version", version);
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        return request;
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    private sealed class Collecting(int expected)
    {
        private readonly ConcurrentQueue<float> _values = new();
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEnumerable<float> Values => _values;

        public Task AllArrived => _all.Task;

        public void Report(float value)
        {
            _values.Enqueue(value);
            if (_values.Count >= expected)
            {
                _all.TrySetResult();
            }
        }
    }
}

internal static class McpBodies
{
    public const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    public static string Initialize(string version) =>
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"e2e\",\"version\":\"1.0\"}}}";
}

/// <summary>SSE resumption: a client that lost a stream resumes it with Last-Event-ID through the gateway.</summary>
public sealed class ResumptionTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task LostPostStream_ResumesWithLastEventId_AndDeliversTheResult()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = sandbox.Gateway.CreateGatewayClient();
        using var initialized = await http.SendAsync(Post(McpBodies.Initialize("2025-11-25"), null), cancellationToken);
        var session = Assert.Single(initialized.Headers.GetValues("Mcp-Session-Id"));
        using var ack = await http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", session), cancellationToken);

        // The tool call's SSE stream: keep only the first event id, then drop the connection.
        string firstEventId;
        using (var call = await http.SendAsync(
            Post("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"runLongReport","arguments":{"steps":3},"_meta":{"progressToken":"p1"}}}""", session),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
            await using var body = await call.Content.ReadAsStreamAsync(cancellationToken);
            await using var events = System.Net.ServerSentEvents.SseParser.Create(body).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            Assert.True(await events.MoveNextAsync());
            firstEventId = events.Current.EventId ?? throw new Xunit.Sdk.XunitException("The stand-in's event store sends event ids.");
        }

        using var resume = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        resume.Headers.Accept.ParseAdd("text/event-stream");
        resume.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        resume.Headers.Add("Mcp-Session-Id", session);
        resume.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        resume.Headers.Add("Last-Event-ID", firstEventId);
        using var resumed = await http.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await using var stream = await resumed.Content.ReadAsStreamAsync(cancellationToken);
        var replayed = new List<string>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            replayed.Add(item.Data);
            if (item.Data.Contains("\"id\":5", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.Contains(replayed, static d => d.Contains("notifications/progress", StringComparison.Ordinal));
        Assert.Contains(replayed, static d => d.Contains("\"id\":5", StringComparison.Ordinal) && d.Contains("complete", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Post(string body, string? session)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        return request;
    }
}
