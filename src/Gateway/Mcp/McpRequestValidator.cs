using System.Buffers.Text;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.Mcp;

/// <summary>
/// The header rules of the Streamable HTTP transport, per protocol era, as small guard clauses that
/// each return a <see cref="McpRejection"/> or <see langword="null"/> (STYLE.md §6). Body rules live
/// in <see cref="JsonRpcScanner"/>.
/// </summary>
internal sealed class McpRequestValidator
{
    private readonly McpOptions _options;
    private readonly HashSet<string> _supportedVersions;
    private readonly HashSet<string> _allowedOrigins;
    private readonly HashSet<string> _allowedHosts;
    private readonly IServer? _server;
    private int _loopbackOnly = -1;

    public McpRequestValidator(IOptions<McpOptions> options, IServer? server = null)
    {
        _options = options.Value;
        _supportedVersions = new(_options.SupportedProtocolVersions, StringComparer.Ordinal);
        _allowedOrigins = new(_options.AllowedOrigins.Select(static o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _allowedHosts = new(["localhost", "127.0.0.1", "[::1]", .. _options.AllowedHosts], StringComparer.OrdinalIgnoreCase);
        _server = server;
    }

    public McpOptions Options => _options;

    /// <summary>
    /// Origin and, for a loopback-bound gateway, Host. "Servers MUST validate the Origin header on all
    /// incoming connections to prevent DNS rebinding attacks" (MCP 2025-03-26 basic/transports);
    /// "If the Origin header is present and invalid, servers MUST respond with HTTP 403 Forbidden"
    /// (MCP 2025-11-25). Applied in every era: the attack does not depend on the version.
    /// </summary>
    public McpRejection? CheckOriginAndHost(HttpRequest request)
    {
        var origin = request.Headers.Origin;
        if (origin.Count > 0 && !_allowedOrigins.Contains(origin.ToString()))
        {
            return Forbidden("origin_not_allowed", "The Origin of this request is not allowed (Gateway:Mcp:AllowedOrigins).");
        }

        if (IsLoopbackOnly() && !_allowedHosts.Contains(request.Host.Host is { } host && host.Contains(':') && host[0] != '[' ? $"[{host}]" : request.Host.Host))
        {
            return Forbidden("host_not_allowed", "The Host of this request is not allowed for a gateway bound to loopback (Gateway:Mcp:AllowedHosts).");
        }

        return null;
    }

    /// <summary>
    /// Resolves the protocol version: "If the server does not receive an MCP-Protocol-Version header ...
    /// the server SHOULD assume protocol version 2025-03-26"; "If the server receives a request with an
    /// invalid or unsupported MCP-Protocol-Version, it MUST respond with 400 Bad Request" (MCP 2025-06-18).
    /// </summary>
    public McpRejection? CheckProtocolVersion(HttpRequest request, out string version, out ProtocolEra era)
    {
        var header = request.Headers[McpHeaders.ProtocolVersion];
        version = header.Count == 0 ? ProtocolVersions.Default : header.ToString().Trim();
        if (_supportedVersions.Contains(version) && ProtocolVersions.EraOf(version) is { } known)
        {
            era = known;
            return null;
        }

        era = default;
        return new McpRejection(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.UnsupportedProtocolVersion, "unsupported_protocol_version",
            $"MCP protocol version '{Truncate(version)}' is not supported by this gateway.")
        {
            SupportedVersions = _options.SupportedProtocolVersions,
            RequestedVersion = Truncate(version),
        };
    }

    /// <summary>
    /// POST: "The client MUST include an Accept header, listing both application/json and
    /// text/event-stream as supported content types" (MCP 2025-03-26 basic/transports) → 406; the body
    /// is JSON → 415.
    /// </summary>
    public static McpRejection? CheckPostHeaders(HttpRequest request)
    {
        if (!Accepts(request, McpHeaders.JsonMediaType) || !Accepts(request, McpHeaders.EventStreamMediaType))
        {
            return new McpRejection(StatusCodes.Status406NotAcceptable, JsonRpcErrorCodes.InvalidRequest, "not_acceptable",
                "The Accept header must list both application/json and text/event-stream.");
        }

        if (!IsJsonContentType(request.ContentType))
        {
            return new McpRejection(StatusCodes.Status415UnsupportedMediaType, JsonRpcErrorCodes.InvalidRequest, "unsupported_media_type",
                "The Content-Type must be application/json (UTF-8).");
        }

        return null;
    }

    /// <summary>GET: "The client MUST include an Accept header, listing text/event-stream" (MCP 2025-03-26) → 406.</summary>
    public static McpRejection? CheckGetHeaders(HttpRequest request) =>
        Accepts(request, McpHeaders.EventStreamMediaType)
            ? null
            : new McpRejection(StatusCodes.Status406NotAcceptable, JsonRpcErrorCodes.InvalidRequest, "not_acceptable",
                "The Accept header of a GET must list text/event-stream.");

    /// <summary>
    /// "The session ID MUST only contain visible ASCII characters (ranging from 0x21 to 0x7E)"
    /// (MCP 2025-03-26 basic/transports). Returns the id, or <see langword="null"/> when absent.
    /// </summary>
    public static McpRejection? CheckSessionIdShape(HttpRequest request, ProtocolEra era, out string? sessionId)
    {
        var header = request.Headers[McpHeaders.SessionId];
        sessionId = null;
        if (header.Count == 0)
        {
            return null;
        }

        if (era == ProtocolEra.Stateless)
        {
            // "Remove protocol-level sessions and the Mcp-Session-Id header" (MCP 2026-07-28 changelog).
            return new McpRejection(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, "session_not_supported",
                "MCP protocol version 2026-07-28 has no sessions; do not send Mcp-Session-Id.");
        }

        var value = header.Count == 1 ? header[0] : null;
        if (string.IsNullOrEmpty(value) || value.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7E))
        {
            return new McpRejection(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, "invalid_session_id",
                "The Mcp-Session-Id header must be one value of visible ASCII characters (0x21-0x7E).");
        }

        sessionId = value;
        return null;
    }

    /// <summary>
    /// 2026-07-28: POSTs carry <c>Mcp-Method</c> (= <c>method</c>) and, for tools/call, resources/read and
    /// prompts/get, <c>Mcp-Name</c> (= <c>params.name</c> / <c>params.uri</c>); "values MUST match the body
    /// or the server rejects"; non-ASCII names travel as <c>=?base64?…?=</c> (MCP 2026-07-28
    /// basic/transports/streamable-http, SEP-2243). Rejected with 400 and -32020 as the SDK does.
    /// </summary>
    public static McpRejection? CheckStandardHeaders(HttpRequest request, JsonRpcMessage message)
    {
        if (message.Kind == JsonRpcKind.Response)
        {
            return null;
        }

        var methodHeader = request.Headers[McpHeaders.Method];
        if (methodHeader.Count == 0)
        {
            return HeaderMismatch("missing_mcp_method", "The Mcp-Method header is required in MCP protocol version 2026-07-28.", message);
        }

        if (!string.Equals(methodHeader.ToString().Trim(), message.Method, StringComparison.Ordinal))
        {
            return HeaderMismatch("mcp_method_mismatch", "The Mcp-Method header does not match the method in the body.", message);
        }

        if (!McpMethods.HasNameHeader(message.Method!))
        {
            return null;
        }

        var nameHeader = request.Headers[McpHeaders.Name];
        if (nameHeader.Count == 0)
        {
            return HeaderMismatch("missing_mcp_name", $"The Mcp-Name header is required for {message.Method} in MCP protocol version 2026-07-28.", message);
        }

        var name = DecodeHeaderValue(nameHeader.ToString().Trim());
        if (name is null)
        {
            return HeaderMismatch("invalid_mcp_name", "The Mcp-Name header is not valid (bad characters or bad =?base64?...?= encoding).", message);
        }

        return string.Equals(name, message.Target, StringComparison.Ordinal)
            ? null
            : HeaderMismatch("mcp_name_mismatch", "The Mcp-Name header does not match the name or uri in the body.", message);
    }

    /// <summary>Decodes the SEP-2243 <c>=?base64?…?=</c> form; plain values must be visible ASCII or space.</summary>
    internal static string? DecodeHeaderValue(string value)
    {
        const string Prefix = "=?base64?";
        const string Suffix = "?=";
        if (value.StartsWith(Prefix, StringComparison.Ordinal) && value.EndsWith(Suffix, StringComparison.Ordinal) && value.Length >= Prefix.Length + Suffix.Length)
        {
            var encoded = value.AsSpan(Prefix.Length, value.Length - Prefix.Length - Suffix.Length);
            var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
            if (!Convert.TryFromBase64Chars(encoded, bytes, out var written) || !System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(0, written)))
            {
                return null;
            }

            return System.Text.Encoding.UTF8.GetString(bytes, 0, written);
        }

        return value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E) ? null : value;
    }

    private static McpRejection HeaderMismatch(string reason, string text, JsonRpcMessage message) =>
        new(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.HeaderMismatch, reason, text) { IdJson = message.IdJson };

    private static McpRejection Forbidden(string reason, string text) =>
        new(StatusCodes.Status403Forbidden, JsonRpcErrorCodes.Unauthorized, reason, text);

    private static bool Accepts(HttpRequest request, string mediaType)
    {
        foreach (var value in request.Headers.Accept)
        {
            if (value is null || !ContainsMediaType(value, mediaType))
            {
                continue;
            }

            // The common case, a plain list without weights, needs no parsing (perf-calibration.md:
            // no per-request allocations that can be avoided). A weight could be q=0, "not acceptable".
            if (!value.Contains(';', StringComparison.Ordinal))
            {
                return true;
            }

            if (MediaTypeHeaderValue.TryParseList([value], out var parsed))
            {
                foreach (var item in parsed)
                {
                    if (item.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) && item.Quality is not 0)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="mediaType"/> stands in the list as a whole token, not as the prefix of another (application/json-seq).</summary>
    private static bool ContainsMediaType(string list, string mediaType)
    {
        for (var start = 0; ;)
        {
            var index = list.IndexOf(mediaType, start, StringComparison.OrdinalIgnoreCase);
            if (index < 0)
            {
                return false;
            }

            var end = index + mediaType.Length;
            var before = index == 0 ? ',' : list[index - 1];
            var after = end == list.Length ? ',' : list[end];
            if ((before is ',' or ' ' or '\t') && (after is ',' or ';' or ' ' or '\t'))
            {
                return true;
            }

            start = end;
        }
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        if (contentType.Equals(McpHeaders.JsonMediaType, StringComparison.OrdinalIgnoreCase)
            || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Parameters present: parse properly; only a UTF-8 charset is acceptable (RFC 8259 §8.1).
        return MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.MediaType.Equals(McpHeaders.JsonMediaType, StringComparison.OrdinalIgnoreCase)
            && (!parsed.Charset.HasValue || parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private bool IsLoopbackOnly()
    {
        if (_loopbackOnly >= 0)
        {
            return _loopbackOnly == 1;
        }

        var addresses = _server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0)
        {
            // Not started yet (or a test server): decide on the next request.
            return false;
        }

        var loopback = addresses.All(static address =>
            Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && (uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
        _loopbackOnly = loopback ? 1 : 0;
        return loopback;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];
}
