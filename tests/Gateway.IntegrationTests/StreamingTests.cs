using System.Net.ServerSentEvents;
using System.Text;
using Gateway.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests;

/// <summary>
/// SSE crosses the gateway unbuffered: headers at once, each event when the upstream writes it, and
/// keep-alive comments only between events. Every wait is a TaskCompletionSource or a fake clock.
/// </summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private ScriptedUpstream _upstream = null!;

    public async ValueTask InitializeAsync() => _upstream = await ScriptedUpstream.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task PostSse_EachEventReachesTheClientBeforeTheUpstreamWritesTheNext()
    {
        var clientHasEvent1 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await ScriptedUpstream.SendAsync(context, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n");
            // Event 2 is written only once the client has event 1: a buffering proxy deadlocks here.
            await clientHasEvent1.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n", context.RequestAborted);
        };
        using var gateway = new GatewayFactory(_upstream.Endpoint);
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var events = SseParser.Create(body).EnumerateAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        Assert.True(await events.MoveNextAsync());
        Assert.Contains("notifications/progress", events.Current.Data, StringComparison.Ordinal);
        clientHasEvent1.SetResult();
        Assert.True(await events.MoveNextAsync());
        Assert.Contains("\"result\"", events.Current.Data, StringComparison.Ordinal);
        Assert.False(await events.MoveNextAsync());
    }

    [Fact]
    public async Task PostSse_ResponseHeadersArriveBeforeTheFirstEvent()
    {
        var clientHasHeaders = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // The first event waits for the client to see the headers (yarp-notes.md: YARP alone holds them back).
            await clientHasHeaders.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("data: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n", context.RequestAborted);
        };
        using var gateway = new GatewayFactory(_upstream.Endpoint);
        using var client = gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        clientHasHeaders.SetResult();
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("\"result\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleGetStream_GetsKeepAliveComments_OnlyBetweenEvents()
    {
        var time = new FakeTimeProvider();
        var writeHalfEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endStream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Handler = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await ScriptedUpstream.SendAsync(context, "id: 1\ndata: {\"n\":1}\n\n");
            await writeHalfEvent.Task.WaitAsync(context.RequestAborted);
            await ScriptedUpstream.SendAsync(context, "id: 2\ndata: {\"n\":");
            await finishEvent.Task.WaitAsync(context.RequestAborted);
            await ScriptedUpstream.SendAsync(context, "2}\n\n");
            await endStream.Task.WaitAsync(context.RequestAborted);
        };
        using var gateway = new GatewayFactory(_upstream.Endpoint, timeProvider: time);
        using var client = gateway.CreateGatewayClient();
        using var response = await client.SendAsync(McpRequests.Get(), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var seen = new StringBuilder();

        await StreamReading.ReadUntilAsync(body, seen, "data: {\"n\":1}\n\n");
        // The relay may still be inside the write whose bytes were just read; a tick then is carried out
        // when that write ends (RelayStreamTests.KeepAlive_DueWhileTheForwarderIsWriting_...).
        time.Advance(TimeSpan.FromSeconds(15));
        await StreamReading.ReadUntilAsync(body, seen, ": keep-alive\n\n");

        writeHalfEvent.SetResult();
        await StreamReading.ReadUntilAsync(body, seen, "id: 2\ndata: {\"n\":");
        // Mid-event: the tick must not write, or the comment would land inside event 2.
        time.Advance(TimeSpan.FromSeconds(15));
        finishEvent.SetResult();
        await StreamReading.ReadUntilAsync(body, seen, "2}\n\n");
        time.Advance(TimeSpan.FromSeconds(15));
        await StreamReading.ReadUntilAsync(body, seen, "2}\n\n: keep-alive\n\n");
        endStream.SetResult();
        await StreamReading.ReadToEndAsync(body, seen);

        Assert.Equal("id: 1\ndata: {\"n\":1}\n\n: keep-alive\n\nid: 2\ndata: {\"n\":2}\n\n: keep-alive\n\n", seen.ToString());
    }

    [Fact]
    public async Task EncodedEventStream_FromAnUpstreamThatIgnoredIdentity_IsRelayedByteForByte_WithoutKeepAlives()
    {
        // Bytes under a content coding are opaque to the gateway, even where they happen to look like the end of
        // an event ("\n\n"): a keep-alive written there would corrupt the client's decoding.
        var time = new FakeTimeProvider();
        const string First = "id: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n";
        const string Second = "id: 2\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n";
        var idleTimePassed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? acceptEncoding = null;
        _upstream.Handler = async context =>
        {
            acceptEncoding = context.Request.Headers.AcceptEncoding;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.ContentEncoding = "br";
            await ScriptedUpstream.SendAsync(context, First);
            await idleTimePassed.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync(Second, context.RequestAborted);
        };
        using var gateway = new GatewayFactory(_upstream.Endpoint, timeProvider: time);
        using var client = gateway.CreateGatewayClient();
        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var seen = new StringBuilder();

        await StreamReading.ReadUntilAsync(body, seen, First);
        // Two keep-alive intervals of silence: a plain stream gets ": keep-alive" here (the test above).
        time.Advance(TimeSpan.FromSeconds(30));
        idleTimePassed.SetResult();
        await StreamReading.ReadToEndAsync(body, seen);

        Assert.Equal("identity", acceptEncoding);
        Assert.Equal("br", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal(First + Second, seen.ToString());
    }
}
