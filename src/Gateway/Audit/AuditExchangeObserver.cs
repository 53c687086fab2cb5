using Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// Writes one audit record per JSON-RPC message when its exchange completes, rejected or not, with
/// the outcome of its response as the inspector saw it pass (isError, JSON-RPC error code); a GET
/// stream, a DELETE or a request refused before its body was read is one record without a method.
/// Runs before telemetry on completion (observers unwind in reverse), so the MCP span is still current
/// and its ids go into the record.
/// </summary>
internal sealed class AuditExchangeObserver(AuditTrail trail, IOptions<UpstreamOptions> upstream) : IMcpExchangeObserver
{
    public void OnReady(HttpContext context, McpExchange exchange)
    {
    }

    public void OnCompleted(HttpContext context, McpExchange exchange)
    {
        if (!trail.IsEnabled)
        {
            return;
        }

        var common = AuditEventInput.FromHttpContext(context) with
        {
            Principal = exchange.Principal,
            UpstreamIdentity = exchange.UpstreamAccount is { } account ? new UpstreamIdentity(account.UserId, account.OrganizationId, null) : null,
            ProtocolVersion = exchange.ProtocolVersion,
            ClientSessionId = exchange.ClientSessionId,
            UpstreamEndpoint = upstream.Value.Endpoint,
            HttpStatus = context.Response.StatusCode,
            Rejection = exchange.Rejection,
            RequestBody = exchange.Body,
        };

        if (exchange.Message is not { } message)
        {
            trail.Record(common);
            return;
        }

        var messages = message.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var current = messages[i];
            var outcome = exchange.Rejection is null ? exchange.FindResponse(current.IdJson) : null;
            trail.Record(common with
            {
                Method = current.Method,
                JsonRpcIdJson = current.IdJson,
                Target = current.Target,
                MessageIndex = i,
                IsError = outcome?.IsError,
                JsonRpcErrorCode = outcome?.ErrorCode,
            });
        }
    }
}
