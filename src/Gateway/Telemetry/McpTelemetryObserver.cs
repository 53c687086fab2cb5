using System.Diagnostics;
using System.Globalization;
using Gateway.Mcp;
using Gateway.Proxy;

namespace Gateway.Telemetry;

/// <summary>
/// One SERVER span per JSON-RPC message, named <c>{mcp.method.name} {target}</c> and tagged per the
/// MCP semantic conventions (gen-ai/mcp.md, see <see cref="GatewayTags"/>), child of the HTTP server
/// span (or of the client's MCP span when the message carries its context in <c>params._meta</c>,
/// then linked to the HTTP span) and parent of the upstream CLIENT span; plus
/// <c>mcp.server.operation.duration</c> and the rejection and upstream-error counters. A refusal before
/// the body was read (authentication, Origin) has no message to name a span after: it is recorded on
/// the HTTP server span and counted.
/// </summary>
internal sealed class McpTelemetryObserver(GatewayInstrumentation instrumentation, TimeProvider timeProvider) : IMcpExchangeObserver
{
    private const int MaxTraceStateLength = 512;

    public void OnReady(HttpContext context, McpExchange exchange)
    {
        if (exchange.Message is not { } message || !instrumentation.ActivitySource.HasListeners())
        {
            return;
        }

        var messages = message.Messages;
        var activities = new Activity?[messages.Length];
        var http = Activity.Current;
        for (var i = 0; i < messages.Length; i++)
        {
            var current = messages[i];
            if (current.Method is null)
            {
                // A client's response to a server request has no method to name a span after.
                continue;
            }

            // Every message's span is a child of the HTTP server span (a batch's are siblings), unless the message
            // carries its client's MCP span context: then it is that span's child, linked to the HTTP span ("the
            // server uses the extracted context as parent and SHOULD link the ambient (HTTP) context", semconv
            // gen-ai/mcp.md "Context propagation"; "MCP and underlying transport contexts are independent").
            Activity.Current = http;
            var target = current.Method is McpMethods.ToolsCall or McpMethods.PromptsGet ? current.Target : null;
            var name = target is null ? current.Method : string.Concat(current.Method, " ", target);
            var activity = TryGetClientContext(current, out var client)
                ? instrumentation.ActivitySource.StartActivity(name, ActivityKind.Server, client,
                    links: http is null ? null : [new ActivityLink(http.Context)], startTime: exchange.StartTime)
                : instrumentation.ActivitySource.StartActivity(name, ActivityKind.Server, parentContext: default, startTime: exchange.StartTime);
            if (activity is { IsAllDataRequested: true })
            {
                Tag(activity, context, exchange, current);
            }

            activities[i] = activity;
        }

        // The first message's span is current while forwarding, so the upstream call is its child.
        Activity.Current = Array.Find(activities, static a => a is not null) ?? http;
        context.Features.Set(new McpTelemetryFeature(activities));
    }

    public void OnCompleted(HttpContext context, McpExchange exchange)
    {
        var elapsed = timeProvider.GetElapsedTime(exchange.StartTimestamp).TotalSeconds;
        if (exchange.BytesRelayed > 0)
        {
            instrumentation.RelayedBytes.Add(exchange.BytesRelayed);
        }

        if (exchange.WasEventStream)
        {
            // Opened by the transformer when the SSE response began.
            instrumentation.OpenEventStreams.Add(-1);
        }

        RecordSessionEnd(context, exchange);
        var rejection = exchange.Rejection;
        if (rejection is not null)
        {
            instrumentation.Rejections.Add(1, new KeyValuePair<string, object?>(GatewayTags.GatewayReason, rejection.Reason));
            if (rejection.Reason.StartsWith("upstream_", StringComparison.Ordinal))
            {
                instrumentation.UpstreamErrors.Add(1, new KeyValuePair<string, object?>(GatewayTags.GatewayReason, rejection.Reason));
            }
        }

        var activities = context.Features.Get<McpTelemetryFeature>()?.Activities;
        if (exchange.Message is not { } message)
        {
            // Refused before the body: say why on the HTTP server span.
            if (rejection is not null && Activity.Current is { IsAllDataRequested: true } http)
            {
                http.SetTag(GatewayTags.ErrorType, rejection.Code.ToString(CultureInfo.InvariantCulture));
                http.SetTag(GatewayTags.GatewayReason, rejection.Reason);
            }

            return;
        }

        var messages = message.Messages;
        for (var i = messages.Length - 1; i >= 0; i--)
        {
            var current = messages[i];
            // "error.type: the JSON-RPC error code, or tool_error when CallToolResult.isError" (semconv mcp.md).
            var outcome = rejection is null ? exchange.FindResponse(current.IdJson) : null;
            var responseCode = outcome?.ErrorCode?.ToString(CultureInfo.InvariantCulture);
            var errorType = rejection is not null
                ? rejection.Code.ToString(CultureInfo.InvariantCulture)
                : responseCode ?? (outcome?.IsError == true ? "tool_error" : null);
            if (current.Method is not null && instrumentation.OperationDuration.Enabled)
            {
                var tags = new TagList
                {
                    { GatewayTags.McpMethodName, current.Method },
                    { GatewayTags.McpProtocolVersion, exchange.ProtocolVersion },
                };
                if (current.Method == McpMethods.ToolsCall && current.Target is { } tool)
                {
                    tags.Add(GatewayTags.GenAiToolName, tool);
                    tags.Add(GatewayTags.GenAiOperationName, "execute_tool");
                }

                if (errorType is not null)
                {
                    tags.Add(GatewayTags.ErrorType, errorType);
                }

                instrumentation.OperationDuration.Record(elapsed, tags);
            }

            if (activities?[i] is { } activity)
            {
                if (rejection is not null)
                {
                    activity.SetTag(GatewayTags.ErrorType, errorType);
                    activity.SetTag(GatewayTags.RpcResponseStatusCode, errorType);
                    activity.SetTag(GatewayTags.GatewayReason, rejection.Reason);
                    activity.SetStatus(ActivityStatusCode.Error, rejection.Message);
                }
                else if (errorType is not null)
                {
                    activity.SetTag(GatewayTags.ErrorType, errorType);
                    if (responseCode is not null)
                    {
                        activity.SetTag(GatewayTags.RpcResponseStatusCode, responseCode);
                    }

                    activity.SetStatus(ActivityStatusCode.Error);
                }

                activity.Stop();
            }
        }
    }

    /// <summary>
    /// The W3C trace context in the message's <c>params._meta</c>, if it parses. A <c>tracestate</c> longer than
    /// the 512 characters W3C Trace Context asks vendors to propagate is dropped rather than exported.
    /// </summary>
    private static bool TryGetClientContext(JsonRpcMessage message, out ActivityContext context)
    {
        context = default;
        return message.TraceParent is { } traceParent
            && ActivityContext.TryParse(traceParent, message.TraceState is { Length: <= MaxTraceStateLength } state ? state : null, isRemote: true, out context);
    }

    private static void Tag(Activity activity, HttpContext context, McpExchange exchange, JsonRpcMessage message)
    {
        // AddTag, not SetTag: the span is new, so there is nothing to replace, and SetTag searches the
        // span's tags for the key first (quadratic in the tag count, measurable on every message).
        activity.AddTag(GatewayTags.McpMethodName, message.Method);
        if (exchange.ProtocolVersion is { } version)
        {
            activity.AddTag(GatewayTags.McpProtocolVersion, version);
        }

        if (exchange.Era != ProtocolEra.Stateless && exchange.ClientSessionId is { } session)
        {
            // The client-facing id: the one the client logs too. "MUST NOT be set" for 2026-07-28.
            activity.AddTag(GatewayTags.McpSessionId, session);
        }

        if (message.IdJson is { } id)
        {
            activity.AddTag(GatewayTags.JsonRpcRequestId, id.Length >= 2 && id[0] == '"' ? id[1..^1] : id);
        }

        switch (message.Method)
        {
            case McpMethods.ToolsCall:
                if (message.Target is { } tool)
                {
                    activity.AddTag(GatewayTags.GenAiToolName, tool);
                }

                activity.AddTag(GatewayTags.GenAiOperationName, "execute_tool");
                break;
            case McpMethods.PromptsGet when message.Target is { } prompt:
                activity.AddTag(GatewayTags.GenAiPromptName, prompt);
                break;
            case McpMethods.ResourcesRead when message.Target is { } uri:
                activity.AddTag(GatewayTags.McpResourceUri, uri);
                break;
        }

        if (exchange.Principal is { } principal)
        {
            activity.AddTag(GatewayTags.GatewayPrincipal, principal.Id);
        }

        var connection = context.Connection;
        if (connection.RemoteIpAddress is { } address)
        {
            activity.AddTag(GatewayTags.ClientAddress, address.ToString());
            activity.AddTag(GatewayTags.ClientPort, connection.RemotePort);
        }

        activity.AddTag(GatewayTags.NetworkProtocolName, "http");
        activity.AddTag(GatewayTags.NetworkProtocolVersion, GatewayTags.NetworkProtocolVersionOf(context.Request.Protocol));
        activity.AddTag(GatewayTags.NetworkTransport, context.Request.Protocol == "HTTP/3" ? "quic" : "tcp");
    }

    /// <summary>The spans of one exchange, in message order (null where no span was started).</summary>
    private sealed record McpTelemetryFeature(Activity?[] Activities);

    /// <summary>
    /// A session ends when the client deletes it (DELETE answered 2xx) or the upstream no longer knows it
    /// (404 to a request that carried it); its start is sealed into its id, so no replica keeps a table.
    /// A session a client simply abandons is not seen to end and is not recorded.
    /// </summary>
    private void RecordSessionEnd(HttpContext context, McpExchange exchange)
    {
        if (exchange.SessionStartedAt is not { } started)
        {
            return;
        }

        var status = context.Response.StatusCode;
        var deleted = HttpMethods.IsDelete(context.Request.Method) && status is >= 200 and < 300;
        var expired = exchange.UpstreamStatusCode == StatusCodes.Status404NotFound && exchange.Rejection is null;
        if (!deleted && !expired)
        {
            return;
        }

        var seconds = Math.Max(0, (timeProvider.GetUtcNow() - started).TotalSeconds);
        var version = new KeyValuePair<string, object?>(GatewayTags.McpProtocolVersion, exchange.ProtocolVersion);
        if (deleted)
        {
            instrumentation.SessionDuration.Record(seconds, version);
        }
        else
        {
            instrumentation.SessionDuration.Record(seconds, version, new KeyValuePair<string, object?>(GatewayTags.ErrorType, "session_not_found"));
        }
    }
}
