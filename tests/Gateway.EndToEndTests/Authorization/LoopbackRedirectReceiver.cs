using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// A native MCP client's loopback redirect URI (RFC 8252 §7.3): a tiny Kestrel app on 127.0.0.1 that
/// completes <see cref="Redirected"/> with the first URL the browser is sent to.
/// </summary>
internal sealed class LoopbackRedirectReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource<Uri> _redirected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoopbackRedirectReceiver(WebApplication app) => _app = app;

    public Uri RedirectUri { get; private set; } = null!;

    public Task<Uri> Redirected => _redirected.Task;

    public static async Task<LoopbackRedirectReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackRedirectReceiver(app);
        app.MapGet("/callback", (HttpContext context) =>
        {
            receiver._redirected.TrySetResult(new Uri(receiver.RedirectUri, context.Request.QueryString.Value));
            return Results.Text("You can close this window.");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.RedirectUri = new Uri(new Uri(address), "/callback");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
