using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Gateway.Inbound;
using Gateway.Mcp;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Primitives;

namespace Gateway.Audit;

/// <summary>
/// Everything <see cref="AuditRecordFactory"/> needs to write one record: plain values the request path
/// already holds, so the audit step reads them without reaching back into earlier steps. Start from
/// <see cref="FromHttpContext"/> (connection, headers, TLS, request id) and add the message's facts with
/// <c>with { … }</c>. No member may hold a secret, except <see cref="RequestBody"/>, which is only read
/// for <c>params.arguments</c>, and then only when arguments are enabled, and redacted.
/// </summary>
internal sealed record AuditEventInput
{
    /// <summary>The authenticated principal; <see langword="null"/> when authentication failed or was not reached.</summary>
    public GatewayPrincipal? Principal { get; init; }

    /// <summary>The Salesforce user and org of the grant whose token went upstream, when known.</summary>
    public UpstreamIdentity? UpstreamIdentity { get; init; }

    /// <summary>The AWS service the principal is known to act for, e.g. <c>aidevops.amazonaws.com</c>.</summary>
    public string? InvokedBy { get; init; }

    // ---- the message

    /// <summary>The MCP method; <see langword="null"/> for GET, DELETE, a client's JSON-RPC response, or a body never parsed.</summary>
    public string? Method { get; init; }

    /// <summary>The id exactly as it stood in the body (<c>"abc"</c> with quotes, or <c>7</c>), as <c>JsonRpcMessage.IdJson</c>.</summary>
    public string? JsonRpcIdJson { get; init; }

    /// <summary>Tool or prompt name, or resource URI (<c>JsonRpcMessage.Target</c>).</summary>
    public string? Target { get; init; }

    public string? ProtocolVersion { get; init; }

    /// <summary>The client-facing <c>Mcp-Session-Id</c>; only its hash is recorded.</summary>
    public string? ClientSessionId { get; init; }

    /// <summary>The tool's <c>annotations.readOnlyHint</c>, when the gateway knows the tool (tools/call only).</summary>
    public bool? ToolReadOnlyHint { get; init; }

    /// <summary>The validated POST body, read for <c>params.arguments</c> only when arguments are enabled.</summary>
    public ReadOnlyMemory<byte> RequestBody { get; init; }

    /// <summary>The message's position in a batch body (0 for a single message).</summary>
    public int MessageIndex { get; init; }

    public Uri? UpstreamEndpoint { get; init; }

    // ---- the outcome

    /// <summary>The HTTP status the client got. Taken from <see cref="Rejection"/> when this is 0.</summary>
    public int HttpStatus { get; init; }

    /// <summary>A tool result's <c>isError</c>, when the response was read.</summary>
    public bool? IsError { get; init; }

    /// <summary>The JSON-RPC error code in the response (from the upstream).</summary>
    public int? JsonRpcErrorCode { get; init; }

    /// <summary>The JSON-RPC error message in the response; capped at 256 characters and scrubbed.</summary>
    public string? JsonRpcErrorMessage { get; init; }

    /// <summary>The gateway's refusal, when it refused: supplies errorCode (its reason), errorMessage, the JSON-RPC code and the status.</summary>
    public McpRejection? Rejection { get; init; }

    /// <summary>When the exchange completed; the factory's clock when <see langword="null"/>.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    // ---- the HTTP request and connection

    public string? HttpMethod { get; init; }

    public string? Scheme { get; init; }

    /// <summary>The <c>Host</c> header as the client sent it.</summary>
    public string? Host { get; init; }

    /// <summary><c>PathBase</c> + <c>Path</c>; the query string is never recorded (it could carry a credential).</summary>
    public string? Path { get; init; }

    public IPAddress? RemoteIpAddress { get; init; }

    /// <summary>The <c>X-Forwarded-For</c> header values, honoured only when the peer is a trusted proxy.</summary>
    public StringValues ForwardedFor { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The negotiated TLS version, when the client's connection used TLS.</summary>
    public SslProtocols? TlsProtocol { get; init; }

    public TlsCipherSuite? TlsCipherSuite { get; init; }

    /// <summary><c>HttpContext.TraceIdentifier</c>.</summary>
    public string RequestId { get; init; } = "";

    /// <summary>W3C trace id of the message's span (32 hex digits).</summary>
    public string? TraceId { get; init; }

    /// <summary>W3C span id of the message's span (16 hex digits).</summary>
    public string? SpanId { get; init; }

    /// <summary>
    /// The request's and connection's facts: method, URL parts, peer address, <c>X-Forwarded-For</c>,
    /// <c>User-Agent</c>, TLS, request id, and the trace and span of <see cref="Activity.Current"/>.
    /// </summary>
    public static AuditEventInput FromHttpContext(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var tls = context.Features.Get<ITlsHandshakeFeature>();
        var activity = Activity.Current;
        return new AuditEventInput
        {
            HttpMethod = request.Method,
            Scheme = request.Scheme,
            Host = request.Host.HasValue ? request.Host.Value : null,
            Path = (request.PathBase + request.Path).Value,
            RemoteIpAddress = context.Connection.RemoteIpAddress,
            ForwardedFor = request.Headers[SourceAddressResolver.ForwardedForHeader],
            UserAgent = request.Headers.UserAgent is { Count: > 0 } userAgent ? userAgent.ToString() : null,
            TlsProtocol = tls is { Protocol: not SslProtocols.None } ? tls.Protocol : null,
            TlsCipherSuite = tls is { Protocol: not SslProtocols.None } ? tls.NegotiatedCipherSuite : null,
            RequestId = context.TraceIdentifier,
            TraceId = activity?.TraceId.ToHexString(),
            SpanId = activity?.SpanId.ToHexString(),
        };
    }
}
