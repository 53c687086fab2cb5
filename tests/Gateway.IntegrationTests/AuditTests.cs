using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>One CloudTrail-shaped record per JSON-RPC message, through the whole pipeline, each valid against the committed schema.</summary>
[Collection(nameof(GlobalListeners))]
public sealed class AuditTests : IDisposable
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly CapturingSink _records = new();
    private readonly GatewayFactory _gateway;

    public AuditTests()
    {
        // The default answer; tests add their own at a higher priority (lower number).
        _upstream.Given(Request.Create().UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithHeader("Mcp-Session-Id", "up-1").WithBody("""{"jsonrpc":"2.0","id":7,"result":{}}"""));
        _gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"), new Dictionary<string, string?>
        {
            ["Gateway:Audit:PublicMcpUrl"] = "https://gateway.example.com/mcp",
            ["Gateway:Telemetry:Enabled"] = "true",
        }, configureServices: services => services.AddSingleton<IAuditSink>(_records));
    }

    [Fact]
    public async Task ToolsCall_WritesOneRecord_NamingPrincipalToolAndOutcome()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Parse(Assert.Single(_records.Json));
        Assert.Equal("1.11", record.GetProperty("eventVersion").GetString());
        Assert.Equal("tools/call", record.GetProperty("eventName").GetString());
        Assert.Equal("alice", record.GetProperty("userIdentity").GetProperty("principalId").GetString());
        Assert.Equal("Data", record.GetProperty("eventCategory").GetString());
        Assert.False(record.GetProperty("managementEvent").GetBoolean());
        Assert.False(record.GetProperty("readOnly").GetBoolean());
        var parameters = record.GetProperty("requestParameters");
        Assert.Equal("https://gateway.example.com/mcp", parameters.GetProperty("endpointUrl").GetString());
        Assert.Equal("soqlQuery", parameters.GetProperty("target").GetString());
        Assert.Equal(200, record.GetProperty("responseElements").GetProperty("httpStatus").GetInt32());
        Assert.False(record.TryGetProperty("errorCode", out _));
        Assert.Equal(32, record.GetProperty("additionalEventData").GetProperty("traceId").GetString()!.Length);
    }

    [Fact]
    public async Task AMessageCarryingItsClientsSpanContext_IsRecordedInTheClientsTrace()
    {
        // The MCP span continues the client's MCP span from params._meta (TelemetryTests); the record names it.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"soqlQuery","_meta":{"traceparent":"00-""" + traceId + "-" + clientSpanId + "-01\"}}}"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trace = Parse(Assert.Single(_records.Json)).GetProperty("additionalEventData");
        Assert.Equal(traceId, trace.GetProperty("traceId").GetString());
        var spanId = trace.GetProperty("spanId").GetString();
        Assert.Equal(16, spanId!.Length);
        Assert.NotEqual(clientSpanId, spanId);
    }

    [Fact]
    public async Task ToolError_IsRecordedFromTheRelayedResponse()
    {
        _upstream.Given(Request.Create().UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":7,"result":{"content":[],"isError":true}}"""));
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Parse(Assert.Single(_records.Json));
        Assert.True(record.GetProperty("responseElements").GetProperty("isError").GetBoolean());
    }

    [Fact]
    public async Task OneMebibyteSseResult_IsRelayedWhole_AndItsOutcomeAudited()
    {
        // One event carrying a 1 MiB tool result: the inspector reads it as it passes, holding no copy
        // (its allocation bound is asserted in the unit tests, Inspection/).
        var text = new string('x', 1024 * 1024);
        var sse = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"isError\":false}}\n\n";
        _upstream.Given(Request.Create().UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/event-stream").WithBody(sse));
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(sse, body);
        var record = Parse(Assert.Single(_records.Json));
        Assert.False(record.GetProperty("responseElements").GetProperty("isError").GetBoolean());
        Assert.Equal(200, record.GetProperty("responseElements").GetProperty("httpStatus").GetInt32());
    }

    [Theory]
    [InlineData("identity", true)]
    [InlineData("gzip", null)]
    public async Task SseResponse_WithContentEncoding_IsInspectedOnlyWhenIdentity(string contentEncoding, bool? expectedIsError)
    {
        // The MCP C# SDK's server marks its SSE responses "Content-Encoding: identity": the bytes as they are.
        _upstream.Given(Request.Create().UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/event-stream").WithHeader("Content-Encoding", contentEncoding)
            .WithBody("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],\"isError\":true}}\n\n"));
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Parse(Assert.Single(_records.Json));
        Assert.Equal(expectedIsError, record.GetProperty("responseElements").TryGetProperty("isError", out var isError) ? isError.GetBoolean() : null);
    }

    [Fact]
    public async Task ToolsCall_IsReadOnly_OnlyAsTheUpstreamsToolsListAnnotatedTheTool()
    {
        _upstream.Given(Request.Create().UsingPost().WithBody(new WildcardMatcher("*\"tools/list\"*"))).AtPriority(1).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""
                {"jsonrpc":"2.0","id":1,"result":{"tools":[
                  {"name":"soqlQuery","annotations":{"readOnlyHint":true}},
                  {"name":"createRecord","annotations":{"readOnlyHint":false,"destructiveHint":false}}]}}
                """));
        // A tools array in a tools/call result is that tool's output, not a declaration.
        _upstream.Given(Request.Create().UsingPost().WithBody(new WildcardMatcher("*\"sneaky\"*"))).AtPriority(1).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"jsonrpc":"2.0","id":9,"result":{"content":[],"tools":[{"name":"sneaky","annotations":{"readOnlyHint":true}}]}}"""));
        using var client = _gateway.CreateGatewayClient();
        var cancellationToken = TestContext.Current.CancellationToken;
        const string Sneaky = """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"sneaky","arguments":{}}}""";
        const string CreateRecord = """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"createRecord","arguments":{}}}""";

        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}"""), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(CreateRecord), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(Sneaky), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(Sneaky), cancellationToken)).Dispose();

        var records = _records.Json.Select(Parse).Select(ReadOnlyOf).ToList();
        Assert.Equal(
        [
            ("tools/call", "soqlQuery", false), // no list seen yet: unknown counts as a write
            ("tools/list", null, true),
            ("tools/call", "soqlQuery", true),
            ("tools/call", "createRecord", false),
            ("tools/call", "sneaky", false),
            ("tools/call", "sneaky", false),
        ], records);
    }

    [Fact]
    public async Task ToolsListChanged_InARelayedResponse_MakesEveryToolUnknown_UntilTheNextList()
    {
        _upstream.Given(Request.Create().UsingPost().WithBody(new WildcardMatcher("*\"tools/list\"*"))).AtPriority(1).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"soqlQuery","annotations":{"readOnlyHint":true}}]}}"""));
        // The server changes its tools while answering a call, and says so in the call's stream.
        _upstream.Given(Request.Create().UsingPost().WithBody(new WildcardMatcher("*\"installTools\"*"))).AtPriority(1).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "text/event-stream").WithBody(
                "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n" +
                "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"content\":[]}}\n\n"));
        using var client = _gateway.CreateGatewayClient();
        var cancellationToken = TestContext.Current.CancellationToken;
        const string ToolsList = """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""";
        const string InstallTools = """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"installTools","arguments":{}}}""";

        (await client.SendAsync(McpRequests.Post(ToolsList), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(InstallTools), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(ToolsList), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();

        Assert.Equal(
        [
            ("tools/list", null, true),
            ("tools/call", "soqlQuery", true),
            ("tools/call", "installTools", false),
            ("tools/call", "soqlQuery", false), // what the server said before the change is not kept
            ("tools/list", null, true),
            ("tools/call", "soqlQuery", true),
        ], _records.Json.Select(Parse).Select(ReadOnlyOf).ToList());
    }

    [Fact]
    public async Task ToolsListChanged_OnAnOpenGetStream_TakesEffectAsItPasses_NotWhenTheStreamEnds()
    {
        await using var upstream = await ScriptedUpstream.StartAsync(TestContext.Current.CancellationToken);
        var sendMore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endStream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Handler = async context =>
        {
            if (HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.ContentType = "text/event-stream";
                await ScriptedUpstream.SendAsync(context, "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n");
                // Relayed only once the gateway finished with the event before it (inspection included).
                await sendMore.Task.WaitAsync(context.RequestAborted);
                await ScriptedUpstream.SendAsync(context, ": after\n\n");
                await endStream.Task.WaitAsync(context.RequestAborted);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ScriptedUpstream.RequestOf(context).Body.Contains("\"tools/list\"", StringComparison.Ordinal)
                ? """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"soqlQuery","annotations":{"readOnlyHint":true}}]}}"""
                : """{"jsonrpc":"2.0","id":1,"result":{"content":[]}}""", context.RequestAborted);
        };
        var records = new CapturingSink();
        using var gateway = new GatewayFactory(upstream.Endpoint, configureServices: services => services.AddSingleton<IAuditSink>(records));
        using var client = gateway.CreateGatewayClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        (await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}"""), cancellationToken)).Dispose();
        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();
        using var stream = await client.SendAsync(McpRequests.Get(), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await stream.Content.ReadAsStreamAsync(cancellationToken);
        var seen = new StringBuilder();
        await StreamReading.ReadUntilAsync(body, seen, "list_changed\"}\n\n");
        sendMore.SetResult();
        await StreamReading.ReadUntilAsync(body, seen, ": after\n\n");
        (await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), cancellationToken)).Dispose();
        endStream.SetResult();
        await StreamReading.ReadToEndAsync(body, seen);

        Assert.Equal(
        [
            ("tools/call", "soqlQuery", true),
            ("tools/call", "soqlQuery", false), // the GET stream is still open here
        ], records.Json.Select(Parse).Select(ReadOnlyOf).Where(static r => r.EventName == "tools/call").ToList());
    }

    [Fact]
    public async Task RejectedAndUnauthenticatedMessages_AreAuditedWithTheirError()
    {
        using var client = _gateway.CreateGatewayClient();

        using var unauthenticated = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, apiKey: null), TestContext.Current.CancellationToken);
        using var batch = await client.SendAsync(McpRequests.Post("""[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        var records = _records.Json.Select(Parse).ToList();
        Assert.Equal(2, records.Count);
        Assert.Contains(records, static r => r.GetProperty("responseElements").GetProperty("httpStatus").GetInt32() == 401
            && r.GetProperty("userIdentity").GetProperty("type").GetString() == "Unknown"
            && r.TryGetProperty("errorCode", out _));
        Assert.Contains(records, static r => r.GetProperty("responseElements").GetProperty("httpStatus").GetInt32() == 400
            && r.GetProperty("userIdentity").GetProperty("principalId").GetString() == "alice"
            && r.TryGetProperty("errorMessage", out _));
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task Batch_WritesOneRecordPerMessage_SharingTheRequestId()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(
            """[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]""", protocolVersion: null), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = _records.Json.Select(Parse).ToList();
        Assert.Equal(["tools/list", "notifications/initialized"], records.Select(static r => r.GetProperty("eventName").GetString()));
        Assert.Single(records.Select(static r => r.GetProperty("requestID").GetString()).Distinct());
        Assert.Equal(2, records.Select(static r => r.GetProperty("eventID").GetString()).Distinct().Count());
    }

    private static JsonElement Parse(string json)
    {
        // Every record the gateway writes must satisfy the committed schema.
        var errors = AuditSchema.Errors(json);
        Assert.True(errors.Count == 0, $"Schema errors: {string.Join("; ", errors.Select(static e => $"{e.Path}: {e.Kind}"))}\n{json}");
        foreach (var secret in TestCredentials.AllSecrets)
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }

        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _upstream.Stop();
        _upstream.Dispose();
    }

    private static (string? EventName, string? Target, bool ReadOnly) ReadOnlyOf(JsonElement record) => (
        record.GetProperty("eventName").GetString(),
        record.GetProperty("requestParameters").TryGetProperty("target", out var target) ? target.GetString() : null,
        record.GetProperty("readOnly").GetBoolean());

    private sealed class CapturingSink : IAuditSink
    {
        private readonly ConcurrentQueue<string> _json = new();

        public IReadOnlyCollection<string> Json => _json;

        public void Write(AuditRecord record) => _json.Enqueue(AuditJson.Serialize(record));
    }
}
