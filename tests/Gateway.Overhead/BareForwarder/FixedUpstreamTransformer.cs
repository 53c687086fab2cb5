using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Overhead.BareForwarder;

/// <summary>
/// Copies the request headers as YARP's default transformer does, then sends the request to the one
/// configured endpoint instead of appending the inbound path to a prefix (which would turn
/// <c>/mcp</c> into <c>/mcp/mcp</c>).
/// </summary>
internal sealed class FixedUpstreamTransformer(Uri upstream) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = upstream;
    }
}
