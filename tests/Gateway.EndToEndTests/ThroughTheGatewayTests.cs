using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Testing;
using ModelContextProtocol;
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
        await using var client = await sandbox.ConnectAsync(protocolVersion: protocolVersion, cancellationToken: cancellationToken);
        var progress = new Collecting();

        var result = await client.CallToolAsync("runLongReport", new Dictionary<string, object?> { ["steps"] = 3 }, progress, cancellationToken: cancellationToken);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal([1f, 2f, 3f], progress.Values.Select(static v => v.Progress).Order());
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

    private static HttpRequestMessage Post(string body, string apiKey, string? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("x-api-key", apiKey);
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        return request;
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    private sealed class Collecting : IProgress<ProgressNotificationValue>
    {
        private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();

        public IEnumerable<ProgressNotificationValue> Values => _values;

        public void Report(ProgressNotificationValue value) => _values.Enqueue(value);
    }
}

internal static class McpBodies
{
    public const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    public static string Initialize(string version) =>
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"e2e\",\"version\":\"1.0\"}}}";
}
