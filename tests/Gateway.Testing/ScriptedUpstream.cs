using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Testing;

/// <summary>
/// A real Kestrel upstream on 127.0.0.1 whose behaviour each test scripts, for what WireMock cannot
/// do: hold a stream open, write SSE events when the test says so, signal when a request arrived.
/// </summary>
public sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedUpstream(WebApplication app) => _app = app;

    public Func<HttpContext, Task> Handler { get; set; } = static context =>
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return Task.CompletedTask;
    };

    /// <summary>Every request received, with its headers and body, in arrival order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<ScriptedUpstream> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new ScriptedUpstream(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var received = new ReceivedRequest(
                context.Request.Method,
                context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            context.Items[typeof(ReceivedRequest)] = received;
            upstream.Requests.Enqueue(received);
            await upstream.Handler(context);
        });
        await app.StartAsync(cancellationToken);
        upstream.Endpoint = new Uri(app.Urls.First().TrimEnd('/') + "/platform/mcp/v1/sandbox/platform/sobject-all");
        return upstream;
    }

    /// <summary>Writes <paramref name="text"/> to the response and flushes it, so it leaves at once.</summary>
    public static async Task SendAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>The request a handler is answering, body included (the body stream itself was read already).</summary>
    public static ReceivedRequest RequestOf(HttpContext context) => (ReceivedRequest)context.Items[typeof(ReceivedRequest)]!;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record ReceivedRequest(string Method, IReadOnlyDictionary<string, string> Headers, string Body);
}
