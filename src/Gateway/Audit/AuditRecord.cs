using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Audit;

/// <summary>
/// One audit record: a client's MCP message completed with its response's outcome, in the shape of a
/// CloudTrail event record, eventVersion 1.11 (reference/domain.md §4.1). Field names and order follow
/// CloudTrail so an operator's CloudTrail tooling (Athena DDL, jq recipes, SIEM parsers) reads it as is;
/// the committed <c>audit-record.schema.json</c> is the contract. Holds no secret: credential ids,
/// never credentials; a hash of the session id; arguments only when enabled, and then redacted.
/// </summary>
internal sealed record AuditRecord
{
    public const string CurrentEventVersion = "1.11";

    /// <summary>
    /// CloudTrail's documented <c>eventType</c> for "a request made by a principal to an API", which is
    /// what each record describes (<c>AwsServiceEvent</c> is for events a service raises on its own,
    /// <c>AwsConsole*</c> for console actions). CloudTrail has no non-AWS request type outside Lake
    /// integrations, and there CloudTrail overwrites <c>eventType</c> itself (<c>ActivityLog</c>), so this
    /// value only serves consumers reading these records directly, who select request records by it.
    /// <see cref="EventSource"/>, never an <c>amazonaws.com</c> name, is what marks the record as not AWS's.
    /// </summary>
    public const string ApiCallEventType = "AwsApiCall";

    /// <summary>Each MCP message acts on the upstream's data (records, queries), not on its configuration.</summary>
    public const string DataEventCategory = "Data";

    [JsonPropertyOrder(0)]
    public string EventVersion { get; } = CurrentEventVersion;

    [JsonPropertyOrder(1)]
    public required AuditUserIdentity UserIdentity { get; init; }

    /// <summary>When the exchange completed, UTC, whole seconds (<c>2026-04-08T01:33:24Z</c>), as CloudTrail writes it.</summary>
    [JsonPropertyOrder(2)]
    [JsonConverter(typeof(CloudTrailTimeJsonConverter))]
    public required DateTimeOffset EventTime { get; init; }

    [JsonPropertyOrder(3)]
    public required string EventSource { get; init; }

    /// <summary>The MCP method (<c>tools/call</c>), or <c>HTTP GET</c>/<c>HTTP DELETE</c>/<c>HTTP POST</c> when there is none.</summary>
    [JsonPropertyOrder(4)]
    public required string EventName { get; init; }

    [JsonPropertyOrder(5)]
    public required string AwsRegion { get; init; }

    /// <summary>The client's address: the connection's peer, or from <c>X-Forwarded-For</c> behind a trusted proxy.</summary>
    [JsonPropertyOrder(6)]
    [JsonPropertyName("sourceIPAddress")]
    public required string SourceIPAddress { get; init; }

    [JsonPropertyOrder(7)]
    public string? UserAgent { get; init; }

    /// <summary>The rejection reason (<c>unauthorized</c>, <c>session_not_found</c>, …), the JSON-RPC error code, <c>tool_error</c>, or the HTTP status.</summary>
    [JsonPropertyOrder(8)]
    public string? ErrorCode { get; init; }

    [JsonPropertyOrder(9)]
    public string? ErrorMessage { get; init; }

    [JsonPropertyOrder(10)]
    public required AuditRequestParameters RequestParameters { get; init; }

    [JsonPropertyOrder(11)]
    public required AuditResponseElements ResponseElements { get; init; }

    [JsonPropertyOrder(12)]
    public AuditAdditionalEventData? AdditionalEventData { get; init; }

    /// <summary>The gateway's id for the HTTP request (<c>HttpContext.TraceIdentifier</c>); a batch's messages share it.</summary>
    [JsonPropertyOrder(13)]
    [JsonPropertyName("requestID")]
    public required string RequestId { get; init; }

    /// <summary>Unique per record: a version 7 UUID, so records order within the same second.</summary>
    [JsonPropertyOrder(14)]
    [JsonPropertyName("eventID")]
    public required Guid EventId { get; init; }

    /// <summary>See <see cref="ReadOnlyClassifier"/>.</summary>
    [JsonPropertyOrder(15)]
    public required bool ReadOnly { get; init; }

    [JsonPropertyOrder(16)]
    public string EventType { get; } = ApiCallEventType;

    /// <summary>Always <see langword="false"/>: see <see cref="DataEventCategory"/>.</summary>
    [JsonPropertyOrder(17)]
    public bool ManagementEvent { get; }

    [JsonPropertyOrder(18)]
    public string? RecipientAccountId { get; init; }

    [JsonPropertyOrder(19)]
    public string EventCategory { get; } = DataEventCategory;

    /// <summary>Present when the client's connection to the gateway used TLS.</summary>
    [JsonPropertyOrder(20)]
    public AuditTlsDetails? TlsDetails { get; init; }
}

/// <summary>
/// Who made the request (CloudTrail <c>userIdentity</c>, reference/domain.md §4.2).
/// </summary>
internal sealed record AuditUserIdentity
{
    /// <summary>
    /// The type of an authenticated gateway principal. CloudTrail's own types name IAM identities (with
    /// ARNs and account ids) that these principals are not, and its <c>Unknown</c> means "the identity
    /// could not be determined", which would misdescribe an authenticated caller. CloudTrail consumers
    /// treat <c>type</c> as an open string (Athena types it STRING; Lake integrations take any value up
    /// to 128 characters), so a custom type is safe.
    /// </summary>
    public const string GatewayPrincipalType = "GatewayPrincipal";

    /// <summary>CloudTrail's documented type for an identity that could not be determined: the request was refused before or by authentication.</summary>
    public const string UnknownType = "Unknown";

    /// <summary>The <see cref="PrincipalId"/> of a request that did not authenticate.</summary>
    public const string UnauthenticatedPrincipalId = "unauthenticated";

    [JsonPropertyOrder(0)]
    public required string Type { get; init; }

    /// <summary>The configured credential id (<c>GatewayPrincipal.Id</c>), never a secret.</summary>
    [JsonPropertyOrder(1)]
    public required string PrincipalId { get; init; }

    /// <summary>How the client authenticated: <c>ApiKey</c>, <c>BearerToken</c>, <c>Anonymous</c>, ….</summary>
    [JsonPropertyOrder(2)]
    public string? CredentialKind { get; init; }

    /// <summary>
    /// The OAuth client the access token was issued to (credential kind <c>OAuth</c>): which MCP client
    /// application acted for <see cref="PrincipalId"/>, the signed-in user. An id, never a secret.
    /// </summary>
    [JsonPropertyOrder(3)]
    public string? ClientId { get; init; }

    /// <summary>As in CloudTrail: the service that made the request on the principal's behalf, e.g. <c>aidevops.amazonaws.com</c>.</summary>
    [JsonPropertyOrder(4)]
    public string? InvokedBy { get; init; }

    /// <summary>
    /// The upstream identity the gateway acted as: the Salesforce user and org of the grant whose token
    /// went upstream. Named after CloudTrail's <c>userIdentity.onBehalfOf</c> (identity-propagated sessions).
    /// </summary>
    [JsonPropertyOrder(5)]
    public UpstreamIdentity? OnBehalfOf { get; init; }
}

/// <summary>The Salesforce identity of an upstream grant, as far as it is known (ids are not secrets).</summary>
/// <param name="UserId">The Salesforce user id (<c>005…</c>).</param>
/// <param name="OrganizationId">The Salesforce org id (<c>00D…</c>).</param>
/// <param name="Username">The Salesforce username.</param>
internal sealed record UpstreamIdentity(string? UserId, string? OrganizationId, string? Username);

/// <summary>The MCP request as the gateway received it (CloudTrail <c>requestParameters</c>).</summary>
internal sealed record AuditRequestParameters
{
    /// <summary>The gateway's MCP endpoint URL as registered with the agent (joins the agent's CloudTrail <c>RegisterService</c> event).</summary>
    [JsonPropertyOrder(0)]
    public required string EndpointUrl { get; init; }

    /// <summary>The upstream MCP endpoint the message was (or would have been) forwarded to.</summary>
    [JsonPropertyOrder(1)]
    public string? UpstreamEndpoint { get; init; }

    [JsonPropertyOrder(2)]
    public string? HttpMethod { get; init; }

    /// <summary>The MCP protocol revision in force for the message (<c>2025-06-18</c>).</summary>
    [JsonPropertyOrder(3)]
    public string? ProtocolVersion { get; init; }

    /// <summary>
    /// SHA-256 of the client-facing <c>Mcp-Session-Id</c>, first 128 bits, lowercase hex. The id is a
    /// bearer handle (whoever presents it continues the session), and audit records are kept long and read
    /// widely, so the record keeps what correlation needs — same session, same value — and not the handle.
    /// Session ids are high-entropy, so an unkeyed hash cannot be reversed; to find a known session's
    /// records, hash its id the same way.
    /// </summary>
    [JsonPropertyOrder(4)]
    public string? SessionIdHash { get; init; }

    /// <summary>The tool name (tools/call), prompt name (prompts/get) or resource URI (resources/read).</summary>
    [JsonPropertyOrder(5)]
    public string? Target { get; init; }

    /// <summary>The JSON-RPC id as a string (semconv <c>jsonrpc.request.id</c>); absent for notifications.</summary>
    [JsonPropertyOrder(6)]
    public string? JsonRpcId { get; init; }

    /// <summary>The call's arguments, redacted and capped; only when <see cref="AuditOptions.IncludeArguments"/> is on.</summary>
    [JsonPropertyOrder(7)]
    public JsonElement? Arguments { get; init; }
}

/// <summary>The outcome (CloudTrail <c>responseElements</c>).</summary>
internal sealed record AuditResponseElements
{
    /// <summary>The HTTP status the client got.</summary>
    [JsonPropertyOrder(0)]
    public required int HttpStatus { get; init; }

    /// <summary>A tool result's <c>isError</c>, when the response carried one.</summary>
    [JsonPropertyOrder(1)]
    public bool? IsError { get; init; }

    /// <summary>The JSON-RPC error code the client got, from the upstream or from the gateway.</summary>
    [JsonPropertyOrder(2)]
    public int? JsonRpcErrorCode { get; init; }
}

/// <summary>The client's TLS connection to the gateway (CloudTrail <c>tlsDetails</c>).</summary>
internal sealed record AuditTlsDetails
{
    /// <summary><c>TLSv1.2</c> or <c>TLSv1.3</c>, as CloudTrail writes it.</summary>
    [JsonPropertyOrder(0)]
    public required string TlsVersion { get; init; }

    /// <summary>The IANA cipher suite name (<c>TLS_AES_128_GCM_SHA256</c>); CloudTrail uses OpenSSL names for TLS 1.2.</summary>
    [JsonPropertyOrder(1)]
    public string? CipherSuite { get; init; }

    [JsonPropertyOrder(2)]
    public string? ClientProvidedHostHeader { get; init; }
}

/// <summary>What joins the record to its trace (CloudTrail <c>additionalEventData</c>).</summary>
internal sealed record AuditAdditionalEventData
{
    /// <summary>W3C trace id, 32 lowercase hex digits.</summary>
    [JsonPropertyOrder(0)]
    public string? TraceId { get; init; }

    /// <summary>W3C span id of the gateway's span for the message, 16 lowercase hex digits.</summary>
    [JsonPropertyOrder(1)]
    public string? SpanId { get; init; }

    [JsonPropertyOrder(2)]
    public string? GatewayVersion { get; init; }
}
