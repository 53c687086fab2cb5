using System.Diagnostics;
using System.Net;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>
/// Spans and metrics as exported, captured with OpenTelemetry's in-memory exporter. Activity and
/// meter listeners are process-wide, so these tests run alone (STYLE.md §3: global listeners).
/// </summary>
[Collection(nameof(GlobalListeners))]
public sealed class TelemetryTests : IDisposable
{
    private const string UpstreamPath = "/upstream/mcp";

    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly SpanRecorder _recorder = new();
    private readonly List<Metric> _metrics = [];
    private readonly GatewayFactory _gateway;

    public TelemetryTests()
    {
        // The default answer; tests add their own at a higher priority (lower number).
        _upstream.Given(Request.Create().UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":7,"result":{}}"""));
        // The upstream's path differs from the gateway's, so their HTTP server spans (WireMock runs in this process) differ by url.path.
        _gateway = new GatewayFactory(new Uri(_upstream.Url + UpstreamPath), new Dictionary<string, string?> { ["Gateway:Telemetry:Enabled"] = "true" }, configureServices: services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_recorder));
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
        });
    }

    [Fact]
    public async Task ToolsCall_IsAServerSpan_ChildOfTheHttpSpan_ParentOfTheUpstreamCall()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mcp = Assert.Single(_recorder.Spans, static s => s.Source.Name == "Gateway");
        Assert.Equal("tools/call soqlQuery", mcp.DisplayName);
        Assert.Equal(ActivityKind.Server, mcp.Kind);
        Assert.Equal("tools/call", mcp.GetTagItem("mcp.method.name"));
        Assert.Equal("soqlQuery", mcp.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("execute_tool", mcp.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("7", mcp.GetTagItem("jsonrpc.request.id"));
        Assert.Equal("2025-06-18", mcp.GetTagItem("mcp.protocol.version"));
        Assert.Equal("alice", mcp.GetTagItem("gateway.principal.id"));
        Assert.Equal("http", mcp.GetTagItem("network.protocol.name"));
        Assert.Equal(ActivityStatusCode.Unset, mcp.Status);

        var http = await _recorder.WaitForAsync(s => s.SpanId == mcp.ParentSpanId, TestContext.Current.CancellationToken);
        Assert.Equal(ActivityKind.Server, http.Kind);
        Assert.Equal("POST /mcp", http.DisplayName);
        var upstreamCall = Assert.Single(_recorder.Spans, static s => s.Kind == ActivityKind.Client);
        Assert.Equal(mcp.SpanId, upstreamCall.ParentSpanId);
        Assert.Equal(mcp.TraceId, upstreamCall.TraceId);
        // WireMock runs in this process too: its server span continues the same trace.
        await _recorder.WaitForAsync(s => s.Kind == ActivityKind.Server && s.ParentSpanId == upstreamCall.SpanId, TestContext.Current.CancellationToken);

        // W3C trace context travels upstream with the client span's id.
        var traceparent = Assert.Single(_upstream.LogEntries).RequestMessage.Headers!["traceparent"].ToString();
        Assert.Contains(upstreamCall.TraceId.ToString(), traceparent, StringComparison.Ordinal);
        Assert.Contains(upstreamCall.SpanId.ToString(), traceparent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageCarryingItsClientsSpanContext_IsThatSpansChild_LinkedToTheHttpSpan()
    {
        // What the MCP C# SDK's client puts in params._meta for its own span (SEP-414).
        var clientSpan = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var traceparent = $"00-{clientSpan.TraceId}-{clientSpan.SpanId}-01";
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(
            ToolsCallWithMeta($$"""{"progressToken":1,"traceparent":"{{traceparent}}","tracestate":"vendor=1"}""")),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mcp = Assert.Single(_recorder.Spans, static s => s.Source.Name == "Gateway");
        Assert.Equal(clientSpan.TraceId, mcp.TraceId);
        Assert.Equal(clientSpan.SpanId, mcp.ParentSpanId);
        Assert.Equal("vendor=1", mcp.TraceStateString);
        var link = Assert.Single(mcp.Links);
        var http = await _recorder.WaitForAsync(s => s.SpanId == link.Context.SpanId, TestContext.Current.CancellationToken);
        Assert.Equal("POST /mcp", http.DisplayName);
        Assert.NotEqual(clientSpan.TraceId, http.TraceId);
        var upstreamCall = Assert.Single(_recorder.Spans, static s => s.Kind == ActivityKind.Client);
        Assert.Equal(mcp.SpanId, upstreamCall.ParentSpanId);
        Assert.Equal(clientSpan.TraceId, upstreamCall.TraceId);
    }

    [Theory]
    [InlineData("\"not-a-traceparent\"", "vendor=1")]
    [InlineData("42", "vendor=1")]
    [InlineData("\"00-00000000000000000000000000000000-0000000000000000-01\"", "vendor=1")]
    public async Task AMessageWithoutAUsableSpanContext_IsTheHttpSpansChild(string traceparentJson, string tracestate)
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(
            ToolsCallWithMeta($$"""{"traceparent":{{traceparentJson}},"tracestate":"{{tracestate}}"}""")),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mcp = Assert.Single(_recorder.Spans, static s => s.Source.Name == "Gateway");
        Assert.Empty(mcp.Links);
        Assert.Null(mcp.TraceStateString);
        var http = await _recorder.WaitForAsync(s => s.SpanId == mcp.ParentSpanId, TestContext.Current.CancellationToken);
        Assert.Equal("POST /mcp", http.DisplayName);
    }

    [Fact]
    public async Task AnOversizedTraceState_IsDropped_TheParentKept()
    {
        var clientSpan = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var tracestate = "vendor=" + new string('a', 506);
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(
            ToolsCallWithMeta($$"""{"traceparent":"00-{{clientSpan.TraceId}}-{{clientSpan.SpanId}}-01","tracestate":"{{tracestate}}"}""")),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mcp = Assert.Single(_recorder.Spans, static s => s.Source.Name == "Gateway");
        Assert.Equal(clientSpan.SpanId, mcp.ParentSpanId);
        Assert.Null(mcp.TraceStateString);
    }

    [Fact]
    public async Task HttpServerSpan_FollowsTheHttpConventions_NamedByItsRoute_WithItsOutcome()
    {
        _upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("\"id\":5", StringComparison.Ordinal))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"code":404,"message":"Server definition not found for: sandbox/subject-all"}}"""));
        using var client = _gateway.CreateGatewayClient();

        using var served = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);
        using var failed = await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","id":5,"method":"tools/list"}"""), TestContext.Current.CancellationToken);
        using var unrouted = await client.GetAsync("/nowhere", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unrouted.StatusCode);
        var ok = await HttpServerSpanAsync(200);
        Assert.Equal("POST /mcp", ok.DisplayName);
        Assert.Equal(ActivityKind.Server, ok.Kind);
        Assert.Equal("/mcp", ok.GetTagItem("http.route"));
        Assert.Equal("POST", ok.GetTagItem("http.request.method"));
        Assert.Equal("/mcp", ok.GetTagItem("url.path"));
        Assert.Equal("http", ok.GetTagItem("url.scheme"));
        Assert.Equal("1.1", ok.GetTagItem("network.protocol.version"));
        Assert.Null(ok.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, ok.Status);

        var bad = await HttpServerSpanAsync(502);
        Assert.Equal("POST /mcp", bad.DisplayName);
        Assert.Equal("502", bad.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, bad.Status);

        var lost = await HttpServerSpanAsync(404);
        Assert.Equal("GET", lost.DisplayName);
        Assert.Null(lost.GetTagItem("http.route"));
        Assert.Equal(ActivityStatusCode.Unset, lost.Status);
    }

    [Fact]
    public void WithoutAnExporter_TheSdkDoesNotRun_SoNoRequestPaysForSpans()
    {
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();

        Assert.Null(gateway.Services.GetService<TracerProvider>());
        Assert.Null(gateway.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task RelayedBytes_AreCounted()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        _gateway.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var relayed = Assert.Single(_metrics, static m => m.Name == "gateway.relay.bytes");
        Assert.Equal(body.Length, Points(relayed).Sum(static p => p.Sum));
    }

    [Fact]
    public async Task ResponseOutcomes_ReachTheSpan_ToolErrorAndJsonRpcErrorCode()
    {
        _upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("\"id\":8", StringComparison.Ordinal))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"jsonrpc":"2.0","id":8,"result":{"content":[{"type":"text","text":"INVALID_TYPE"}],"isError":true}}"""));
        _upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("\"id\":9", StringComparison.Ordinal))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/event-stream")
                .WithBody("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32602,\"message\":\"bad params\"}}\n\n"));
        using var client = _gateway.CreateGatewayClient();

        using var toolError = await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"soqlQuery","arguments":{}}}"""), TestContext.Current.CancellationToken);
        using var rpcError = await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"getObjectSchema","arguments":{}}}"""), TestContext.Current.CancellationToken);
        await rpcError.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var spans = _recorder.Spans.Where(static s => s.Source.Name == "Gateway").ToList();
        var tool = Assert.Single(spans, static s => s.DisplayName == "tools/call soqlQuery");
        Assert.Equal("tool_error", tool.GetTagItem("error.type"));
        Assert.Null(tool.GetTagItem("rpc.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, tool.Status);
        var rpc = Assert.Single(spans, static s => s.DisplayName == "tools/call getObjectSchema");
        Assert.Equal("-32602", rpc.GetTagItem("error.type"));
        Assert.Equal("-32602", rpc.GetTagItem("rpc.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, rpc.Status);
    }

    [Fact]
    public async Task ToolsListAndNotification_AreNamedByMethod()
    {
        using var client = _gateway.CreateGatewayClient();

        using var list = await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","id":"a-1","method":"tools/list"}"""), TestContext.Current.CancellationToken);
        using var note = await client.SendAsync(McpRequests.Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""), TestContext.Current.CancellationToken);

        var spans = _recorder.Spans.Where(static s => s.Source.Name == "Gateway").ToList();
        var listSpan = Assert.Single(spans, static s => s.DisplayName == "tools/list");
        Assert.Equal("a-1", listSpan.GetTagItem("jsonrpc.request.id"));
        Assert.Null(listSpan.GetTagItem("gen_ai.tool.name"));
        var noteSpan = Assert.Single(spans, static s => s.DisplayName == "notifications/initialized");
        Assert.Equal(ActivityKind.Server, noteSpan.Kind);
        Assert.Null(noteSpan.GetTagItem("jsonrpc.request.id"));
    }

    [Fact]
    public async Task RejectedMessage_SpanCarriesErrorType_AndIsCounted()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall, protocolVersion: "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var mcp = Assert.Single(_recorder.Spans, static s => s.Source.Name == "Gateway");
        Assert.Equal("tools/call soqlQuery", mcp.DisplayName);
        Assert.Equal("-32020", mcp.GetTagItem("error.type"));
        Assert.Equal("mcp_method_mismatch", mcp.GetTagItem("gateway.reason"));
        Assert.Equal(ActivityStatusCode.Error, mcp.Status);
        Assert.Empty(_upstream.LogEntries);

        _gateway.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var rejections = Assert.Single(_metrics, static m => m.Name == "gateway.mcp.rejections");
        Assert.Contains(Points(rejections), static p => p.Tags.Contains(new("gateway.reason", "mcp_method_mismatch")) && p.Sum == 1);
        var duration = Assert.Single(_metrics, static m => m.Name == "mcp.server.operation.duration");
        Assert.Equal("s", duration.Unit);
        Assert.Contains(Points(duration), static p => p.Tags.Contains(new("mcp.method.name", "tools/call")) && p.Tags.Contains(new("error.type", "-32020")));
    }

    [Fact]
    public async Task SessionDuration_IsRecorded_WhenTheClientDeletesTheSession_AndWhenTheUpstreamForgetsIt()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var metrics = new List<Metric>();
        using var upstream = WireMockServer.Start();
        upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("initialize", StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("Mcp-Session-Id", "upstream-session-1")
                .WithBody("""{"jsonrpc":"2.0","id":1,"result":{}}"""));
        upstream.Given(Request.Create().UsingPost().WithBody(static b => b!.Contains("tools/call", StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":7,"error":{"code":-32001,"message":"Session not found"}}"""));
        upstream.Given(Request.Create().UsingDelete()).RespondWith(Response.Create().WithStatusCode(200));
        using var gateway = new GatewayFactory(new Uri(upstream.Url + "/mcp"), new Dictionary<string, string?> { ["Gateway:Telemetry:Enabled"] = "true" }, time,
            configureServices: services => services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)));
        using var client = gateway.CreateGatewayClient();

        using var first = await client.SendAsync(McpRequests.Post(McpRequests.Initialize), TestContext.Current.CancellationToken);
        var firstSession = Assert.Single(first.Headers.GetValues("Mcp-Session-Id"));
        time.Advance(TimeSpan.FromSeconds(90));
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        delete.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        delete.Headers.Add("Mcp-Session-Id", firstSession);
        using var deleted = await client.SendAsync(delete, TestContext.Current.CancellationToken);
        using var second = await client.SendAsync(McpRequests.Post(McpRequests.Initialize), TestContext.Current.CancellationToken);
        var secondSession = Assert.Single(second.Headers.GetValues("Mcp-Session-Id"));
        time.Advance(TimeSpan.FromSeconds(30));
        using var expired = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, sessionId: secondSession), TestContext.Current.CancellationToken);

        gateway.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        var duration = Assert.Single(metrics, static m => m.Name == "mcp.server.session.duration");
        Assert.Equal("s", duration.Unit);
        // The start is sealed in whole milliseconds.
        var points = Points(duration);
        Assert.Contains(points, static p => Math.Abs(p.Sum - 90) < 0.01 && !p.Tags.ContainsKey("error.type") && (string?)p.Tags["mcp.protocol.version"] == "2025-06-18");
        Assert.Contains(points, static p => Math.Abs(p.Sum - 30) < 0.01 && (string?)p.Tags["error.type"] == "session_not_found");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HttpMetrics_DurationsAlways_PerRequestGaugesOnlyWhenDetailed(bool detailed)
    {
        var metrics = new List<Metric>();
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"), new Dictionary<string, string?>
        {
            ["Gateway:Telemetry:Enabled"] = "true",
            ["Gateway:Telemetry:DetailedHttpMetrics"] = detailed ? "true" : "false",
        }, configureServices: services => services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);
        gateway.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = metrics.Select(static m => m.Name).ToHashSet();
        Assert.Contains("http.server.request.duration", names);
        Assert.Contains("http.client.request.duration", names);
        Assert.Contains("mcp.server.operation.duration", names);
        foreach (var perRequest in new[] { "http.server.active_requests", "http.client.active_requests", "http.client.open_connections" })
        {
            Assert.Equal(detailed, names.Contains(perRequest));
        }
    }

    [Fact]
    public async Task UnauthenticatedRequest_IsTaggedOnTheHttpSpan_WithoutAnMcpSpan()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, apiKey: null), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var http = await _recorder.WaitForAsync(static s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /mcp", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(_recorder.Spans, static s => s.Source.Name == "Gateway");
        Assert.Equal("missing_credential", http.GetTagItem("gateway.reason"));
        Assert.Equal("-32001", http.GetTagItem("error.type"));
    }

    [Fact]
    public async Task HttpServerSpan_CarriesItsRequestAttributesOnce_SetAsItEnds_NotBuiltAtItsCreation()
    {
        // The gateway keeps ASP.NET Core from building them at the span's creation (no sampler it can be given
        // reads them there) and its middleware sets them as the request ends: once each, not twice.
        var userAgent = "request-tags-" + Guid.NewGuid().ToString("N");
        Dictionary<string, object?>? creationTags = null;
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            {
                // Every span ASP.NET Core creates in this process (the upstream's, in WireMock, too): none may carry any.
                var tags = options.Tags?.ToDictionary(static t => t.Key, static t => t.Value) ?? [];
                if (tags.Count > 0)
                {
                    Interlocked.CompareExchange(ref creationTags, tags, null);
                }

                // Leaves the sampling decision to the gateway's tracer provider.
                return ActivitySamplingResult.None;
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall);
        request.Headers.UserAgent.ParseAdd(userAgent);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var span = await _recorder.WaitForAsync(
            s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("user_agent.original"), userAgent) && s.GetTagItem("url.path") as string != UpstreamPath,
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST /mcp", span.DisplayName);
        Assert.Null(Volatile.Read(ref creationTags));
        var tags = span.TagObjects.GroupBy(static t => t.Key).ToDictionary(static g => g.Key, static g => g.Select(static t => t.Value).ToArray());
        Assert.Equal(["POST"], tags["http.request.method"]);
        Assert.Equal(["/mcp"], tags["url.path"]);
        Assert.Equal(["http"], tags["url.scheme"]);
        Assert.Equal([userAgent], tags["user_agent.original"]);
        Assert.Equal([client.BaseAddress!.Host], tags["server.address"]);
        // A Host header without a port (this client's) gives no server.port, as ASP.NET Core's own attributes do.
        Assert.Equal(client.BaseAddress.IsDefaultPort, !tags.ContainsKey("server.port"));
        Assert.Equal([(object)200], tags["http.response.status_code"]);
    }

    [Fact]
    public async Task HealthRoutes_AreNotTraced()
    {
        using var client = _gateway.CreateGatewayClient();

        using var live = await client.GetAsync("/healthz/live", TestContext.Current.CancellationToken);
        using var ready = await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        // A traced request afterwards: once its span has ended, the health requests' would have too.
        using var traced = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);
        await _recorder.WaitForAsync(static s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /mcp", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(_recorder.Spans, static s => s.DisplayName.Contains("healthz", StringComparison.Ordinal)
            || (s.GetTagItem("url.path") as string)?.StartsWith("/healthz", StringComparison.Ordinal) == true);
    }

    /// <summary>A tools/call whose <c>params._meta</c> is <paramref name="metaJson"/>.</summary>
    private static string ToolsCallWithMeta(string metaJson) =>
        """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"soqlQuery","arguments":{},"_meta":""" + metaJson + "}}";

    /// <summary>The gateway's HTTP server span with that status (not the upstream's: see <see cref="UpstreamPath"/>).</summary>
    private Task<Activity> HttpServerSpanAsync(int statusCode) => _recorder.WaitForAsync(
        s => s.Kind == ActivityKind.Server && s.Source.Name != "Gateway" && Equals(s.GetTagItem("http.response.status_code"), statusCode)
            && s.GetTagItem("url.path") as string != UpstreamPath,
        TestContext.Current.CancellationToken);

    private static List<(Dictionary<string, object?> Tags, double Sum)> Points(Metric metric)
    {
        var points = new List<(Dictionary<string, object?>, double)>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            var sum = metric.MetricType switch
            {
                MetricType.LongSum => point.GetSumLong(),
                MetricType.Histogram => point.GetHistogramSum(),
                _ => double.NaN,
            };
            points.Add((tags, sum));
        }

        return points;
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _upstream.Stop();
        _upstream.Dispose();
    }
}

[CollectionDefinition(nameof(GlobalListeners), DisableParallelization = true)]
public sealed class GlobalListeners;
