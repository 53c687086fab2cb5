using System.Diagnostics;
using System.Net;
using Gateway.Credentials;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// The one connection pool to the upstream. An <see cref="HttpMessageInvoker"/>, not an HttpClient:
/// YARP wants no buffering and no client-level timeout (yarp-notes.md). No retry handler beyond the
/// single credential renewal: MCP POSTs are not idempotent (STYLE.md §4).
/// </summary>
internal sealed class UpstreamInvoker(IOptions<UpstreamOptions> options, IUpstreamCredentialProvider credentials)
    : HttpMessageInvoker(CreateHandler(options.Value, credentials), disposeHandler: true)
{
    private static UpstreamAuthRetryHandler CreateHandler(UpstreamOptions options, IUpstreamCredentialProvider credentials) => new(credentials)
    {
        InnerHandler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            // Relay bytes as they come: a decompressing handler would buffer and change the body.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            // W3C trace context travels upstream; YARP's propagator replaces rather than duplicates it.
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        },
    };
}
