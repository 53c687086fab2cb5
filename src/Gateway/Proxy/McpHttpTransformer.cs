using System.Text;
using Gateway.Credentials;
using Gateway.Inbound;
using Gateway.Inspection;
using Gateway.Mcp;
using Gateway.Sessions;
using Gateway.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// Shapes the forwarded request and the relayed response. Requests lose every client credential
/// (Authorization, the API-key header, cookies) and gain the gateway's own upstream token: "The MCP
/// server MUST NOT pass through the token it received from the MCP client" (MCP authorization,
/// 2025-06-18). Responses get the client-facing session id, lose upstream cookies and challenges, and
/// SSE responses start at once instead of with their first event (yarp-notes.md "SSE relay").
/// </summary>
internal sealed class McpHttpTransformer(
    IOptions<UpstreamOptions> upstreamOptions,
    InboundAuthenticator authenticator,
    SessionBinder sessions,
    GatewayInstrumentation instrumentation,
    IUpstreamCredentialProvider credentials,
    ILogger<McpHttpTransformer> logger) : HttpTransformer
{
    /// <summary>Salesforce's body for a wrong or inactive server path (forcedotcom/mcp-hosted#9).</summary>
    private static readonly byte[] s_serverDefinitionNotFound = "Server definition not found"u8.ToArray();
    private const int MaxInspectedErrorBody = 16 * 1024;

    private readonly UpstreamOptions _options = upstreamOptions.Value;

    // The last "Bearer …" value built: a token serves many requests, so most need no new string.
    // A reference, swapped whole, so concurrent requests never pair one token with another's header.
    private CachedAuthorization? _lastAuthorization;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        // The client addresses the gateway's MCP path; the upstream has exactly one endpoint.
        proxyRequest.RequestUri = _options.Endpoint;

        var exchange = httpContext.Features.Get<McpExchange>()!;
        var headers = proxyRequest.Headers;
        headers.Remove(HeaderNames.Authorization);
        headers.Remove(authenticator.ApiKeyHeader);
        headers.Remove(HeaderNames.Cookie);
        headers.TryAddWithoutValidation(HeaderNames.Authorization, AuthorizationValue(exchange.UpstreamToken!));

        // The gateway reads every response as it passes (outcomes for the audit trail and the spans) and writes
        // keep-alives between SSE events: a compressed body would defeat both. A request without
        // Accept-Encoding accepts any coding (RFC 9110 §12.5.3), so ask for none by name.
        headers.Remove(HeaderNames.AcceptEncoding);
        headers.TryAddWithoutValidation(HeaderNames.AcceptEncoding, "identity");

        if (exchange.UpstreamSessionId is { } upstreamSession)
        {
            headers.Remove(McpHeaders.SessionId);
            headers.TryAddWithoutValidation(McpHeaders.SessionId, upstreamSession);
        }

        proxyRequest.Options.Set(UpstreamAuthRetryHandler.ExchangeKey, exchange);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        var exchange = httpContext.Features.Get<McpExchange>()!;
        var status = (int)proxyResponse.StatusCode;
        exchange.UpstreamStatusCode = status;

        if (status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            // The upstream refused the gateway's credential (after one renewal, if one was possible).
            // Its challenge names Salesforce's authorization server, which the client must never be
            // sent to: the client's own credential was fine.
            var hint = await ReadHintAsync(proxyResponse, cancellationToken);
            logger.UpstreamRejectedCredential(status, hint ?? "none");
            if (exchange.Principal is { UpstreamGrantId: not null } user
                && await credentials.GetTokenAsync(user, cancellationToken) is { RequiresSignIn: true } gone)
            {
                // The user's own Salesforce grant was revoked (the renewal found invalid_grant): their
                // client must sign in again, which a 401 with the OAuth challenge tells it.
                await RejectAsync(httpContext, exchange, authenticator.SignInAgain(httpContext.Request, gone.Error!));
                return false;
            }

            await RejectAsync(httpContext, exchange, new McpRejection(StatusCodes.Status502BadGateway, JsonRpcErrorCodes.UpstreamCredentialUnavailable,
                "upstream_credential_rejected", CredentialRejectedMessage(hint)));
            return false;
        }

        if (status == StatusCodes.Status404NotFound)
        {
            return await RelayNotFoundAsync(httpContext, exchange, proxyResponse, cancellationToken);
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var responseHeaders = httpContext.Response.Headers;
        responseHeaders.Remove(HeaderNames.SetCookie);
        responseHeaders.Remove(HeaderNames.WWWAuthenticate);

        if (responseHeaders.TryGetValue(McpHeaders.SessionId, out var upstreamSession) && exchange.Principal is { } principal)
        {
            var upstreamId = upstreamSession.Count == 1 ? upstreamSession[0] : null;
            responseHeaders[McpHeaders.SessionId] = string.IsNullOrEmpty(upstreamId)
                ? default
                : upstreamId == exchange.UpstreamSessionId
                    // Servers echo the session on every response: give the client back the id it sent
                    // rather than sealing anew (a new id per response, and a Protect per request).
                    ? exchange.ClientSessionId
                    : sessions.Seal(principal, upstreamId);
        }

        if (httpContext.Response.Body is RelayStream relay)
        {
            var mediaType = proxyResponse.Content.Headers.ContentType?.MediaType;
            var isEventStream = mediaType is McpHeaders.EventStreamMediaType;
            // Outcomes (isError, JSON-RPC error codes) are read from the bytes as they pass; a compressed
            // body (from an upstream that ignored Accept-Encoding: identity) would only read as garbage, so
            // it is relayed uninspected, and without keep-alives, whose plain text would corrupt it.
            var unencoded = IsUnencoded(proxyResponse.Content.Headers.ContentEncoding);
            if ((isEventStream || mediaType is McpHeaders.JsonMediaType) && unencoded)
            {
                relay.Inspect(new JsonRpcResponseInspector(isEventStream, exchange));
            }

            if (isEventStream)
            {
                relay.BeginEventStream(_options.StreamIdleTimeout, unencoded ? _options.KeepAliveInterval : TimeSpan.Zero);
                instrumentation.OpenEventStreams.Add(1);
                // Headers would otherwise wait for the first event, which may be minutes away.
                await httpContext.Response.StartAsync(cancellationToken);
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the body is the bytes as they are: no content coding, or only <c>identity</c>, which the MCP C#
    /// SDK's server sets on its SSE responses (to keep response compression off them); RFC 9110 §12.5.3 uses
    /// "identity" as a synonym for no encoding.
    /// </summary>
    private static bool IsUnencoded(ICollection<string> contentEncoding)
    {
        if (contentEncoding.Count == 0)
        {
            // The usual case, without enumerating (an enumerator object per response).
            return true;
        }

        foreach (var coding in contentEncoding)
        {
            if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private string AuthorizationValue(string token)
    {
        if (_lastAuthorization is { } last && ReferenceEquals(last.Token, token))
        {
            return last.Header;
        }

        var header = string.Concat("Bearer ", token);
        _lastAuthorization = new CachedAuthorization(token, header);
        return header;
    }

    private sealed record CachedAuthorization(string Token, string Header);

    /// <summary>
    /// A 404 means two things upstream: Salesforce's "Server definition not found" is a configuration
    /// error of the gateway (502, named clearly), while a 404 for an unknown session must reach the
    /// client unchanged so that it re-initializes (MCP 2025-03-26 basic/transports, Session Management).
    /// </summary>
    private async ValueTask<bool> RelayNotFoundAsync(HttpContext httpContext, McpExchange exchange, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
    {
        await using var stream = await proxyResponse.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxInspectedErrorBody];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var head = buffer.AsSpan(0, length);
        var marker = head.IndexOf(s_serverDefinitionNotFound);
        if (marker >= 0)
        {
            var detail = ExtractMessage(head[marker..]);
            logger.UpstreamServerDefinitionNotFound(_options.Endpoint, detail);
            await RejectAsync(httpContext, exchange, new McpRejection(StatusCodes.Status502BadGateway, JsonRpcErrorCodes.UpstreamError,
                "upstream_server_not_found",
                $"The gateway's upstream MCP server is misconfigured: Salesforce answered '{detail}'. Check Gateway:Upstream:Endpoint and that the server is activated in the org."));
            return false;
        }

        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        httpContext.Response.Headers.Remove(HeaderNames.SetCookie);
        httpContext.Response.Headers.Remove(HeaderNames.WWWAuthenticate);
        await httpContext.Response.Body.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
        await stream.CopyToAsync(httpContext.Response.Body, cancellationToken);
        return false;
    }

    private static async Task RejectAsync(HttpContext httpContext, McpExchange exchange, McpRejection rejection)
    {
        exchange.Rejection = rejection with { IdJson = exchange.SingleMessageIdJson };
        await JsonRpcErrorWriter.WriteAsync(httpContext, exchange.Rejection);
    }

    /// <summary>Salesforce's error code from a 401 body or challenge (e.g. INVALID_SESSION_ID); codes are not secrets.</summary>
    private static async ValueTask<string?> ReadHintAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string[] known = ["INVALID_JWT_FORMAT", "INVALID_AUTH_HEADER", "INVALID_SESSION_ID", "invalid_token", "insufficient_scope"];
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var body = "";
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[4096];
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            body = Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (HttpRequestException)
        {
        }

        return known.FirstOrDefault(code => challenge.Contains(code, StringComparison.Ordinal) || body.Contains(code, StringComparison.Ordinal));
    }

    private static string CredentialRejectedMessage(string? hint) => hint switch
    {
        "INVALID_JWT_FORMAT" or "INVALID_AUTH_HEADER" =>
            $"The upstream MCP server rejected the gateway's credential ({hint}). Salesforce hosted MCP needs JWT-based access tokens: enable 'Issue JSON Web Token (JWT)-based access tokens for named users' on the External Client App.",
        null => "The upstream MCP server rejected the gateway's credential; the gateway must be reconnected or reconfigured.",
        _ => $"The upstream MCP server rejected the gateway's credential ({hint}); the gateway must be reconnected or reconfigured.",
    };

    private static string ExtractMessage(ReadOnlySpan<byte> fromMarker)
    {
        var end = fromMarker.IndexOfAny((byte)'"', (byte)'\n');
        var text = Encoding.UTF8.GetString(end < 0 ? fromMarker[..Math.Min(fromMarker.Length, 200)] : fromMarker[..Math.Min(end, 200)]);
        return text;
    }
}
