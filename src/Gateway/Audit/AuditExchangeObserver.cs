using Gateway.Mcp;
using Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// Writes one audit record per JSON-RPC message when its exchange completes, rejected or not, with
/// the outcome of its response as the inspector saw it pass (isError, JSON-RPC error code); a GET
/// stream, a DELETE or a request refused before its body was read is one record without a method.
/// Runs before telemetry on completion (observers unwind in reverse), so the MCP span is still current
/// and its ids go into the record. The tools a relayed <c>tools/list</c> result declares go into the
/// <see cref="ToolAnnotationCatalog"/>, from which a later <c>tools/call</c>'s <c>readOnly</c> is taken; a
/// relayed <c>notifications/tools/list_changed</c> empties it until the next list.
/// </summary>
internal sealed class AuditExchangeObserver(AuditTrail trail, ToolAnnotationCatalog tools, IOptions<UpstreamOptions> upstream) : IMcpExchangeObserver
{
    // One delegate for every exchange: none is made per request.
    private readonly Action _forgetTools = tools.Forget;

    public void OnReady(HttpContext context, McpExchange exchange)
    {
        if (trail.IsEnabled)
        {
            exchange.ToolsListChanged = _forgetTools;
        }
    }

    public void OnCompleted(HttpContext context, McpExchange exchange)
    {
        if (!trail.IsEnabled)
        {
            return;
        }

        // One input per message: the request's facts, copied once with the exchange's and the message's
        // added (a record copy is a few hundred bytes; no intermediate copies).
        var request = AuditEventInput.FromHttpContext(context);
        var endpoint = upstream.Value.Endpoint;
        if (exchange.Message is not { } message)
        {
            trail.Record(Input(request, context, exchange, endpoint, null, 0));
            return;
        }

        var messages = message.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            trail.Record(Input(request, context, exchange, endpoint, messages[i], i));
        }
    }

    private AuditEventInput Input(AuditEventInput request, HttpContext context, McpExchange exchange, Uri endpoint, JsonRpcMessage? message, int index)
    {
        var outcome = message is not null && exchange.Rejection is null ? exchange.FindResponse(message.IdJson) : null;
        if (outcome?.Tools is { } declared)
        {
            // The exchange keeps declared tools only on the answer to its own tools/list (McpExchange.OnMessage).
            tools.Learn(declared);
        }

        return request with
        {
            Principal = exchange.Principal,
            UpstreamIdentity = exchange.UpstreamAccount is { } account ? new UpstreamIdentity(account.UserId, account.OrganizationId, null) : null,
            ProtocolVersion = exchange.ProtocolVersion,
            ClientSessionId = exchange.ClientSessionId,
            UpstreamEndpoint = endpoint,
            HttpStatus = context.Response.StatusCode,
            Rejection = exchange.Rejection,
            RequestBody = exchange.Body,
            Method = message?.Method,
            JsonRpcIdJson = message?.IdJson,
            Target = message?.Target,
            MessageIndex = index,
            ToolReadOnlyHint = message?.Method == McpMethods.ToolsCall ? tools.ReadOnlyHint(message.Target) : null,
            IsError = outcome?.IsError,
            JsonRpcErrorCode = outcome?.ErrorCode,
        };
    }
}
