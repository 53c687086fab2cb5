using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Inbound;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// Builds an <see cref="AuditRecord"/> from an <see cref="AuditEventInput"/>: resolves the source
/// address, hashes the session id, redacts arguments, classifies readOnly and derives the error fields.
/// Pure apart from the clock and the event id; safe to call concurrently.
/// </summary>
internal sealed class AuditRecordFactory
{
    /// <summary>CloudTrail Lake's limits for <c>errorCode</c>/<c>errorMessage</c> (256) and <c>userAgent</c> (1024), reference/domain.md §4.4.</summary>
    public const int MaxErrorChars = 256;
    public const int MaxUserAgentChars = 1024;
    public const int MaxFieldChars = 1024;
    public const int MaxClientIdChars = 256;

    /// <summary>How many distinct session ids, User-Agents and targets the factory remembers the derived text of.</summary>
    public const int DerivedValueCacheSize = 1024;

    private static readonly string? s_gatewayVersion = typeof(AuditRecordFactory).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private readonly AuditOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SourceAddressResolver _addresses;
    private readonly ArgumentRedactor _redactor;

    // A session's messages share its id, a client's its User-Agent, and tool names repeat: derive each once.
    private readonly DerivedStringCache _sessionIdHashes = new(DerivedValueCacheSize, static id => HashSessionId(id)!);
    private readonly DerivedStringCache _userAgents = new(DerivedValueCacheSize, static ua => ArgumentRedactor.Cap(ArgumentRedactor.ScrubText(ua), MaxUserAgentChars));
    private readonly DerivedStringCache _targets = new(DerivedValueCacheSize, static target => ArgumentRedactor.Cap(ArgumentRedactor.ScrubText(target), MaxFieldChars));
    private UpstreamEndpointText? _upstreamEndpoint;

    public AuditRecordFactory(IOptions<AuditOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _addresses = new SourceAddressResolver(_options.TrustedProxies ?? []);
        _redactor = new ArgumentRedactor(_options.RedactedArgumentNames ?? [], _options.MaxArgumentBytes);
    }

    public AuditRecord Create(AuditEventInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var completedAt = input.CompletedAt ?? _timeProvider.GetUtcNow();
        var rejection = input.Rejection;
        var jsonRpcErrorCode = rejection?.Code ?? input.JsonRpcErrorCode;
        var httpStatus = input.HttpStatus != 0 ? input.HttpStatus : rejection?.StatusCode ?? 0;

        return new AuditRecord
        {
            UserIdentity = UserIdentity(input),
            EventTime = completedAt,
            EventSource = _options.EventSource,
            EventName = EventName(input),
            AwsRegion = _options.AwsRegion,
            SourceIPAddress = _addresses.Resolve(input.RemoteIpAddress, input.ForwardedFor),
            UserAgent = input.UserAgent is { Length: > 0 } userAgent ? _userAgents.Get(userAgent) : null,
            ErrorCode = ErrorCode(rejection, jsonRpcErrorCode, input.IsError, httpStatus),
            ErrorMessage = ErrorMessage(rejection, input.JsonRpcErrorMessage),
            RequestParameters = new AuditRequestParameters
            {
                EndpointUrl = EndpointUrl(input),
                UpstreamEndpoint = UpstreamEndpoint(input.UpstreamEndpoint),
                HttpMethod = input.HttpMethod is { Length: > 0 } httpMethod ? ArgumentRedactor.Cap(httpMethod, 32) : null,
                ProtocolVersion = CapOrNull(input.ProtocolVersion, 64),
                SessionIdHash = string.IsNullOrEmpty(input.ClientSessionId) ? null : _sessionIdHashes.Get(input.ClientSessionId),
                Target = input.Target is { } target ? _targets.Get(target) : null,
                JsonRpcId = JsonRpcId(input.JsonRpcIdJson),
                Arguments = Arguments(input),
            },
            ResponseElements = new AuditResponseElements
            {
                HttpStatus = httpStatus,
                IsError = input.IsError,
                JsonRpcErrorCode = jsonRpcErrorCode,
            },
            AdditionalEventData = new AuditAdditionalEventData
            {
                TraceId = input.TraceId,
                SpanId = input.SpanId,
                GatewayVersion = s_gatewayVersion,
            },
            RequestId = input.RequestId is { Length: > 0 } requestId ? ArgumentRedactor.Cap(requestId, MaxFieldChars) : "-",
            EventId = AuditEventIds.CreateVersion7(completedAt),
            ReadOnly = input.Method is null
                ? HttpMethods.IsGet(input.HttpMethod ?? "")
                : ReadOnlyClassifier.IsReadOnly(input.Method, input.ToolReadOnlyHint),
            RecipientAccountId = _options.RecipientAccountId,
            TlsDetails = TlsDetails(input),
        };
    }

    /// <summary>SHA-256 of the UTF-8 session id, first 128 bits as lowercase hex (see <see cref="AuditRequestParameters.SessionIdHash"/>).</summary>
    public static string? HashSessionId(string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(sessionId), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary><c>TLSv1.2</c>/<c>TLSv1.3</c>, as CloudTrail's <c>tlsDetails.tlsVersion</c> writes them.</summary>
    public static string TlsVersionName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };

    private static AuditUserIdentity UserIdentity(AuditEventInput input) => input.Principal is { } principal
        ? new AuditUserIdentity
        {
            Type = AuditUserIdentity.GatewayPrincipalType,
            PrincipalId = principal.Id,
            CredentialKind = CredentialKindName(principal.Kind),
            ClientId = principal.ClientId is { Length: > 0 } clientId ? ArgumentRedactor.Cap(clientId, MaxClientIdChars) : null,
            InvokedBy = input.InvokedBy,
            OnBehalfOf = input.UpstreamIdentity,
        }
        : new AuditUserIdentity
        {
            Type = AuditUserIdentity.UnknownType,
            PrincipalId = AuditUserIdentity.UnauthenticatedPrincipalId,
            InvokedBy = input.InvokedBy,
        };

    // The names as constants: Enum.ToString looks the name up on every record.
    private static string CredentialKindName(InboundCredentialKind kind) => kind switch
    {
        InboundCredentialKind.ApiKey => nameof(InboundCredentialKind.ApiKey),
        InboundCredentialKind.BearerToken => nameof(InboundCredentialKind.BearerToken),
        InboundCredentialKind.OAuth => nameof(InboundCredentialKind.OAuth),
        InboundCredentialKind.Anonymous => nameof(InboundCredentialKind.Anonymous),
        _ => kind.ToString(),
    };

    private static string EventName(AuditEventInput input) =>
        input.Method is { Length: > 0 } method ? ArgumentRedactor.Cap(method, MaxFieldChars)
        : input.HttpMethod is { Length: > 0 } httpMethod ? "HTTP " + ArgumentRedactor.Cap(httpMethod, 32)
        : "Unknown";

    private static string? ErrorCode(Mcp.McpRejection? rejection, int? jsonRpcErrorCode, bool? isError, int httpStatus) =>
        rejection is not null ? rejection.Reason
        // As the OpenTelemetry MCP conventions' error.type: the JSON-RPC code, or tool_error for isError results.
        : jsonRpcErrorCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : isError == true ? "tool_error"
        : httpStatus >= 400 ? httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : null;

    private static string? ErrorMessage(Mcp.McpRejection? rejection, string? jsonRpcErrorMessage)
    {
        var message = rejection?.Message ?? jsonRpcErrorMessage;
        return string.IsNullOrEmpty(message) ? null : ArgumentRedactor.Cap(ArgumentRedactor.ScrubText(message), MaxErrorChars);
    }

    private string EndpointUrl(AuditEventInput input)
    {
        if (_options.PublicMcpUrl is { Length: > 0 } configured)
        {
            return configured;
        }

        var url = $"{input.Scheme ?? "http"}://{input.Host ?? "unknown"}{input.Path}";
        return ArgumentRedactor.Cap(url, MaxFieldChars);
    }

    private string? UpstreamEndpoint(Uri? endpoint)
    {
        if (endpoint is not { IsAbsoluteUri: true })
        {
            return null;
        }

        // The configured endpoint is one Uri for the process: its text is computed once.
        if (_upstreamEndpoint is { } known && ReferenceEquals(known.Endpoint, endpoint))
        {
            return known.Text;
        }

        // Scheme, host, port and path: never user info, query or fragment, which can carry credentials.
        var text = endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        _upstreamEndpoint = new UpstreamEndpointText(endpoint, text);
        return text;
    }

    private sealed record UpstreamEndpointText(Uri Endpoint, string Text);

    private static string? JsonRpcId(string? idJson)
    {
        if (string.IsNullOrEmpty(idJson) || idJson == "null")
        {
            return null;
        }

        var value = idJson;
        if (idJson[0] == '"')
        {
            try
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(idJson));
                value = reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() ?? idJson : idJson;
            }
            catch (JsonException)
            {
                value = idJson;
            }
        }

        return ArgumentRedactor.Cap(value, MaxErrorChars);
    }

    private JsonElement? Arguments(AuditEventInput input) =>
        _options.IncludeArguments && input.Method is Mcp.McpMethods.ToolsCall or Mcp.McpMethods.PromptsGet && !input.RequestBody.IsEmpty
            ? _redactor.RedactArgumentsFromBody(input.RequestBody, input.MessageIndex)
            : null;

    private static AuditTlsDetails? TlsDetails(AuditEventInput input) =>
        input.TlsProtocol is { } protocol && protocol != SslProtocols.None
            ? new AuditTlsDetails
            {
                TlsVersion = TlsVersionName(protocol),
                CipherSuite = input.TlsCipherSuite?.ToString(),
                ClientProvidedHostHeader = input.Host is { } host ? ArgumentRedactor.Cap(host, MaxFieldChars) : null,
            }
            : null;

    private static string? CapOrNull(string? value, int maxChars) => value is null ? null : ArgumentRedactor.Cap(value, maxChars);
}
