using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Overhead.BareForwarder;

/// <summary>
/// The smallest YARP direct-forwarding app: every request to <c>/mcp</c> goes to the endpoint in the
/// <c>UPSTREAM</c> environment variable through <see cref="IHttpForwarder"/>, with no
/// authentication, validation, token injection or telemetry. The overhead benchmark measures the
/// gateway against this in the same run.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Logging below Warning would be measured as overhead; the environment may still raise it.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHttpForwarder();

        var app = builder.Build();

        var upstream = app.Configuration["UPSTREAM"];
        if (!Uri.TryCreate(upstream, UriKind.Absolute, out var upstreamUri))
        {
            throw new InvalidOperationException(
                "Set UPSTREAM to the absolute upstream MCP endpoint, for example http://127.0.0.1:8081/mcp.");
        }

        // One invoker for the process lifetime, configured as YARP's docs recommend for direct forwarding.
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });

        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var destinationPrefix = upstreamUri.AbsoluteUri;
        var transformer = new FixedUpstreamTransformer(upstreamUri);
        var requestConfig = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BareForwarder");

        app.Map("/mcp", async httpContext =>
        {
            var error = await forwarder.SendAsync(httpContext, destinationPrefix, invoker, requestConfig, transformer);
            // A client that hangs up mid-request (every load generator does at the end of a run) is
            // not a forwarding failure worth a warning.
            if (error != ForwarderError.None && !httpContext.RequestAborted.IsCancellationRequested)
            {
                // The forwarder has already written the 502/504; say why once, at Warning.
                var exception = httpContext.Features.Get<IForwarderErrorFeature>()?.Exception;
                logger.ForwardingFailed(error, exception);
            }
        });

        app.Run();
    }
}
