using Gateway.Mcp;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// The one place a forwarding failure becomes a client response: connect and transport failures 502,
/// an upstream that stays silent past the activity timeout 504, each with a JSON-RPC error body
/// (STYLE.md §5). A failure after the response started can only end the connection, which YARP does.
/// </summary>
internal static class ForwarderErrorResponder
{
    public static McpRejection? Describe(HttpContext context, ForwarderError error, RelayStream relay, TimeSpan activityTimeout)
    {
        if (error == ForwarderError.None || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }

        if (relay.IdleTimedOut || error == ForwarderError.RequestTimedOut)
        {
            return new McpRejection(StatusCodes.Status504GatewayTimeout, JsonRpcErrorCodes.UpstreamError, "upstream_timeout",
                activityTimeout > TimeSpan.Zero
                    ? $"The upstream MCP server did not answer within {activityTimeout} (Gateway:Upstream:ActivityTimeout)."
                    : "The upstream MCP server did not answer in time.");
        }

        return error switch
        {
            ForwarderError.Request or ForwarderError.RequestCreation => new McpRejection(StatusCodes.Status502BadGateway, JsonRpcErrorCodes.UpstreamError,
                "upstream_unreachable", "The upstream MCP server could not be reached."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled => new McpRejection(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest,
                "request_body_failed", "The request body could not be read."),
            _ => new McpRejection(StatusCodes.Status502BadGateway, JsonRpcErrorCodes.UpstreamError,
                "upstream_failed", "The upstream MCP server failed while answering."),
        };
    }
}
