using Gateway.Credentials;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// The MCP endpoint: every request runs the steps of DESIGN.md "The request path" top to bottom,
/// each a guard that either hands its result down or ends the exchange with one JSON-RPC error:
/// origin and host, inbound authentication, protocol version, framing, session binding, upstream
/// credential, then YARP forwarding with the response relayed unbuffered.
/// </summary>
internal sealed class McpProxyHandler(
    IHttpForwarder forwarder,
    UpstreamInvoker invoker,
    McpHttpTransformer transformer,
    McpRequestValidator validator,
    InboundAuthenticator authenticator,
    SessionBinder sessions,
    IUpstreamCredentialProvider credentials,
    IOptions<UpstreamOptions> upstreamOptions,
    IEnumerable<IMcpExchangeObserver> observers,
    TimeProvider timeProvider,
    ILogger<McpProxyHandler> logger)
{
    private readonly IMcpExchangeObserver[] _observers = [.. observers];
    // The forwarder's own timer cannot tell a long-lived SSE stream from a hung call, so it is off and
    // RelayStream keeps the watchdog (yarp-notes.md: ActivityTimeout is fixed per SendAsync call).
    private static readonly ForwarderRequestConfig s_requestConfig = new() { ActivityTimeout = Timeout.InfiniteTimeSpan };
    private static readonly KeyValuePair<string, string>[] s_allow = [new(HeaderNames.Allow, "GET, POST, DELETE")];
    private static readonly KeyValuePair<string, string>[] s_allowPost = [new(HeaderNames.Allow, "POST")];

    private readonly UpstreamOptions _upstream = upstreamOptions.Value;
    private readonly string _destinationPrefix = upstreamOptions.Value.Endpoint.GetLeftPart(UriPartial.Authority);

    public async Task InvokeAsync(HttpContext context)
    {
        var exchange = new McpExchange { StartTimestamp = timeProvider.GetTimestamp(), StartTime = timeProvider.GetUtcNow() };
        context.Features.Set(exchange);
        var rejection = await PrepareAsync(context, exchange);
        if (rejection is not null)
        {
            exchange.Rejection = rejection;
        }

        foreach (var observer in _observers)
        {
            observer.OnReady(context, exchange);
        }

        try
        {
            if (rejection is not null)
            {
                await RejectAsync(context, exchange, rejection);
            }
            else
            {
                await ForwardAsync(context, exchange);
            }
        }
        finally
        {
            // Unwind in reverse, like middleware: the last observer to see the exchange ready sees it
            // complete first (audit reads the span telemetry stops).
            for (var i = _observers.Length - 1; i >= 0; i--)
            {
                _observers[i].OnCompleted(context, exchange);
            }
        }
    }

    private async ValueTask<McpRejection?> PrepareAsync(HttpContext context, McpExchange exchange)
    {
        var request = context.Request;
        if (validator.CheckOriginAndHost(request) is { } forbidden)
        {
            return forbidden;
        }

        var (principal, unauthorized) = await authenticator.AuthenticateAsync(context);
        if (principal is null)
        {
            return unauthorized;
        }

        exchange.Principal = principal;

        if (validator.CheckProtocolVersion(request, out var version, out var era) is { } badVersion)
        {
            return badVersion;
        }

        exchange.ProtocolVersion = version;
        exchange.Era = era;

        var method = request.Method;
        if (HttpMethods.IsPost(method))
        {
            if (await PreparePostAsync(context, exchange) is { } badPost)
            {
                return badPost;
            }
        }
        else if (HttpMethods.IsGet(method) || HttpMethods.IsDelete(method))
        {
            if (era == ProtocolEra.Stateless)
            {
                // 2026-07-28 has no GET stream ("GET endpoint ... replaced by subscriptions/listen") and no
                // sessions to DELETE (MCP 2026-07-28 changelog); 405 is the transport's answer for both.
                return MethodNotAllowed(s_allowPost, $"MCP protocol version {version} accepts only POST.");
            }

            if (HttpMethods.IsGet(method) && McpRequestValidator.CheckGetHeaders(request) is { } badGet)
            {
                return badGet;
            }
        }
        else
        {
            return MethodNotAllowed(s_allow, $"The MCP endpoint does not support {method}.");
        }

        if (McpRequestValidator.CheckSessionIdShape(request, era, out var clientSession) is { } badSession)
        {
            return badSession with { IdJson = exchange.SingleMessageIdJson };
        }

        if (clientSession is not null)
        {
            // "The server MUST respond to requests containing that session ID with HTTP 404 Not Found"
            // once it is unknown (MCP 2025-03-26 basic/transports). Unknown to this principal is unknown.
            var upstreamSession = sessions.Unseal(principal, clientSession, out var sessionStartedAt);
            if (upstreamSession is null)
            {
                return new McpRejection(StatusCodes.Status404NotFound, JsonRpcErrorCodes.SessionNotFound, "session_not_found",
                    "The session does not exist or belongs to another client; start a new session.") { IdJson = exchange.SingleMessageIdJson };
            }

            exchange.ClientSessionId = clientSession;
            exchange.UpstreamSessionId = upstreamSession;
            exchange.SessionStartedAt = sessionStartedAt;
        }

        var token = await credentials.GetTokenAsync(principal, context.RequestAborted);
        if (!token.Succeeded)
        {
            logger.UpstreamCredentialUnavailable(token.Error);
            if (token.RequiresSignIn)
            {
                return authenticator.SignInAgain(request, token.Error) with { IdJson = exchange.SingleMessageIdJson };
            }

            return new McpRejection(StatusCodes.Status503ServiceUnavailable, JsonRpcErrorCodes.UpstreamCredentialUnavailable,
                "upstream_credential_unavailable", token.Error) { IdJson = exchange.SingleMessageIdJson };
        }

        exchange.UpstreamToken = token.AccessToken;
        exchange.UpstreamAccount = token.Account;
        return null;
    }

    private async ValueTask<McpRejection?> PreparePostAsync(HttpContext context, McpExchange exchange)
    {
        var request = context.Request;
        if (McpRequestValidator.CheckPostHeaders(request) is { } badHeaders)
        {
            return badHeaders;
        }

        var options = validator.Options;
        var (body, tooLarge) = await McpRequestBody.ReadAsync(context, options.MaxRequestBodyBytes);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        if (!JsonRpcScanner.TryScan(body.Span, options.MaxJsonDepth, allowBatch: exchange.Era == ProtocolEra.Batching, exchange.ProtocolVersion,
                out var message, out var invalid))
        {
            return invalid;
        }

        exchange.Message = message;
        exchange.Body = body;
        return exchange.Era == ProtocolEra.Stateless ? McpRequestValidator.CheckStandardHeaders(request, message.First) : null;
    }

    private async Task ForwardAsync(HttpContext context, McpExchange exchange)
    {
        var response = context.Response;
        var originalBody = response.Body;
        await using var relay = new RelayStream(originalBody, timeProvider, _upstream.ActivityTimeout, context.RequestAborted);
        response.Body = relay;
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(context, _destinationPrefix, invoker, s_requestConfig, transformer, relay.IdleToken);
        }
        finally
        {
            // No keep-alive may follow the last byte the forwarder wrote.
            await relay.CompleteAsync();
            response.Body = originalBody;
            exchange.BytesRelayed = relay.BytesRelayed;
            exchange.WasEventStream = relay.IsEventStream;
        }

        if (ForwarderErrorResponder.Describe(context, error, relay, _upstream.ActivityTimeout) is { } failure)
        {
            var exception = context.GetForwarderErrorFeature()?.Exception;
            logger.ForwardingFailed(error, exception?.GetType().Name ?? "none", failure.StatusCode);
            await RejectAsync(context, exchange, failure with { IdJson = exchange.SingleMessageIdJson });
        }
    }

    private Task RejectAsync(HttpContext context, McpExchange exchange, McpRejection rejection)
    {
        exchange.Rejection = rejection;
        logger.RequestRejected(rejection.StatusCode, rejection.Reason);
        return JsonRpcErrorWriter.WriteAsync(context, rejection);
    }

    private static McpRejection MethodNotAllowed(KeyValuePair<string, string>[] allow, string message) =>
        new(StatusCodes.Status405MethodNotAllowed, JsonRpcErrorCodes.InvalidRequest, "method_not_allowed", message) { Headers = allow };
}
