using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Audit;

/// <summary>
/// How an <see cref="AuditRecord"/> becomes JSON: one object, on one line, with CloudTrail's field names
/// in CloudTrail's order (the attributes on <see cref="AuditRecord"/> say the same) and absent optional
/// fields left out. Written member by member with <see cref="Utf8JsonWriter"/> rather than through
/// <see cref="JsonSerializer"/>: with the source generator's metadata the serializer took 1.07 µs and
/// 312 B per record, this 0.56 µs and nothing (<c>AuditBenchmarks</c>), on the largest single cost of
/// auditing under load (the generator's faster path cannot be used with the relaxed encoder below).
/// A unit test holds this writer to the source generator's output for every kind of record.
/// </summary>
internal static class AuditJson
{
    /// <summary>
    /// The relaxed encoder, so non-ASCII names and <c>+ &lt; &gt; '</c> stay readable (as the JSON console
    /// log formatter does). Control characters, line breaks included, are still escaped: a record is
    /// always one line. No validation: the writer below always writes well-formed objects.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // The names, encoded once. Their spelling is CloudTrail's (reference/domain.md §4.1).
    private static readonly JsonEncodedText s_eventVersion = JsonEncodedText.Encode("eventVersion");
    private static readonly JsonEncodedText s_userIdentity = JsonEncodedText.Encode("userIdentity");
    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText s_principalId = JsonEncodedText.Encode("principalId");
    private static readonly JsonEncodedText s_credentialKind = JsonEncodedText.Encode("credentialKind");
    private static readonly JsonEncodedText s_clientId = JsonEncodedText.Encode("clientId");
    private static readonly JsonEncodedText s_invokedBy = JsonEncodedText.Encode("invokedBy");
    private static readonly JsonEncodedText s_onBehalfOf = JsonEncodedText.Encode("onBehalfOf");
    private static readonly JsonEncodedText s_userId = JsonEncodedText.Encode("userId");
    private static readonly JsonEncodedText s_organizationId = JsonEncodedText.Encode("organizationId");
    private static readonly JsonEncodedText s_username = JsonEncodedText.Encode("username");
    private static readonly JsonEncodedText s_eventTime = JsonEncodedText.Encode("eventTime");
    private static readonly JsonEncodedText s_eventSource = JsonEncodedText.Encode("eventSource");
    private static readonly JsonEncodedText s_eventName = JsonEncodedText.Encode("eventName");
    private static readonly JsonEncodedText s_awsRegion = JsonEncodedText.Encode("awsRegion");
    private static readonly JsonEncodedText s_sourceIPAddress = JsonEncodedText.Encode("sourceIPAddress");
    private static readonly JsonEncodedText s_userAgent = JsonEncodedText.Encode("userAgent");
    private static readonly JsonEncodedText s_errorCode = JsonEncodedText.Encode("errorCode");
    private static readonly JsonEncodedText s_errorMessage = JsonEncodedText.Encode("errorMessage");
    private static readonly JsonEncodedText s_requestParameters = JsonEncodedText.Encode("requestParameters");
    private static readonly JsonEncodedText s_endpointUrl = JsonEncodedText.Encode("endpointUrl");
    private static readonly JsonEncodedText s_upstreamEndpoint = JsonEncodedText.Encode("upstreamEndpoint");
    private static readonly JsonEncodedText s_httpMethod = JsonEncodedText.Encode("httpMethod");
    private static readonly JsonEncodedText s_protocolVersion = JsonEncodedText.Encode("protocolVersion");
    private static readonly JsonEncodedText s_sessionIdHash = JsonEncodedText.Encode("sessionIdHash");
    private static readonly JsonEncodedText s_target = JsonEncodedText.Encode("target");
    private static readonly JsonEncodedText s_jsonRpcId = JsonEncodedText.Encode("jsonRpcId");
    private static readonly JsonEncodedText s_arguments = JsonEncodedText.Encode("arguments");
    private static readonly JsonEncodedText s_responseElements = JsonEncodedText.Encode("responseElements");
    private static readonly JsonEncodedText s_httpStatus = JsonEncodedText.Encode("httpStatus");
    private static readonly JsonEncodedText s_isError = JsonEncodedText.Encode("isError");
    private static readonly JsonEncodedText s_jsonRpcErrorCode = JsonEncodedText.Encode("jsonRpcErrorCode");
    private static readonly JsonEncodedText s_additionalEventData = JsonEncodedText.Encode("additionalEventData");
    private static readonly JsonEncodedText s_traceId = JsonEncodedText.Encode("traceId");
    private static readonly JsonEncodedText s_spanId = JsonEncodedText.Encode("spanId");
    private static readonly JsonEncodedText s_gatewayVersion = JsonEncodedText.Encode("gatewayVersion");
    private static readonly JsonEncodedText s_requestId = JsonEncodedText.Encode("requestID");
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("eventID");
    private static readonly JsonEncodedText s_readOnly = JsonEncodedText.Encode("readOnly");
    private static readonly JsonEncodedText s_eventType = JsonEncodedText.Encode("eventType");
    private static readonly JsonEncodedText s_managementEvent = JsonEncodedText.Encode("managementEvent");
    private static readonly JsonEncodedText s_recipientAccountId = JsonEncodedText.Encode("recipientAccountId");
    private static readonly JsonEncodedText s_eventCategory = JsonEncodedText.Encode("eventCategory");
    private static readonly JsonEncodedText s_tlsDetails = JsonEncodedText.Encode("tlsDetails");
    private static readonly JsonEncodedText s_tlsVersion = JsonEncodedText.Encode("tlsVersion");
    private static readonly JsonEncodedText s_cipherSuite = JsonEncodedText.Encode("cipherSuite");
    private static readonly JsonEncodedText s_clientProvidedHostHeader = JsonEncodedText.Encode("clientProvidedHostHeader");

    // The string form is built on the calling thread (a log exporter's, a test's): its buffer and
    // writer are reused per thread, so a record costs its string and nothing else.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The record as one line of JSON, without the line break.</summary>
    public static string Serialize(AuditRecord record)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        Serialize(writer, record);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the record to <paramref name="writer"/> as one JSON object, without a line break.</summary>
    public static void Serialize(Utf8JsonWriter writer, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteStartObject();
        writer.WriteString(s_eventVersion, record.EventVersion);
        WriteUserIdentity(writer, record.UserIdentity);
        WriteEventTime(writer, record.EventTime);
        writer.WriteString(s_eventSource, record.EventSource);
        writer.WriteString(s_eventName, record.EventName);
        writer.WriteString(s_awsRegion, record.AwsRegion);
        writer.WriteString(s_sourceIPAddress, record.SourceIPAddress);
        WriteOptional(writer, s_userAgent, record.UserAgent);
        WriteOptional(writer, s_errorCode, record.ErrorCode);
        WriteOptional(writer, s_errorMessage, record.ErrorMessage);
        WriteRequestParameters(writer, record.RequestParameters);
        WriteResponseElements(writer, record.ResponseElements);
        if (record.AdditionalEventData is { } additional)
        {
            writer.WriteStartObject(s_additionalEventData);
            WriteOptional(writer, s_traceId, additional.TraceId);
            WriteOptional(writer, s_spanId, additional.SpanId);
            WriteOptional(writer, s_gatewayVersion, additional.GatewayVersion);
            writer.WriteEndObject();
        }

        writer.WriteString(s_requestId, record.RequestId);
        writer.WriteString(s_eventId, record.EventId);
        writer.WriteBoolean(s_readOnly, record.ReadOnly);
        writer.WriteString(s_eventType, record.EventType);
        writer.WriteBoolean(s_managementEvent, record.ManagementEvent);
        WriteOptional(writer, s_recipientAccountId, record.RecipientAccountId);
        writer.WriteString(s_eventCategory, record.EventCategory);
        if (record.TlsDetails is { } tls)
        {
            writer.WriteStartObject(s_tlsDetails);
            writer.WriteString(s_tlsVersion, tls.TlsVersion);
            WriteOptional(writer, s_cipherSuite, tls.CipherSuite);
            WriteOptional(writer, s_clientProvidedHostHeader, tls.ClientProvidedHostHeader);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteUserIdentity(Utf8JsonWriter writer, AuditUserIdentity identity)
    {
        writer.WriteStartObject(s_userIdentity);
        writer.WriteString(s_type, identity.Type);
        writer.WriteString(s_principalId, identity.PrincipalId);
        WriteOptional(writer, s_credentialKind, identity.CredentialKind);
        WriteOptional(writer, s_clientId, identity.ClientId);
        WriteOptional(writer, s_invokedBy, identity.InvokedBy);
        if (identity.OnBehalfOf is { } upstream)
        {
            writer.WriteStartObject(s_onBehalfOf);
            WriteOptional(writer, s_userId, upstream.UserId);
            WriteOptional(writer, s_organizationId, upstream.OrganizationId);
            WriteOptional(writer, s_username, upstream.Username);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteEventTime(Utf8JsonWriter writer, DateTimeOffset eventTime)
    {
        // CloudTrail's form, UTC in whole seconds with "Z" (CloudTrailTimeJsonConverter reads it back):
        // the standard sortable format plus the Z, which formats several times faster than the same
        // pattern spelled out as a custom format.
        Span<byte> text = stackalloc byte[20];
        eventTime.UtcDateTime.TryFormat(text, out var written, "s", CultureInfo.InvariantCulture);
        text[written] = (byte)'Z';
        writer.WriteString(s_eventTime, text[..(written + 1)]);
    }

    private static void WriteRequestParameters(Utf8JsonWriter writer, AuditRequestParameters parameters)
    {
        writer.WriteStartObject(s_requestParameters);
        writer.WriteString(s_endpointUrl, parameters.EndpointUrl);
        WriteOptional(writer, s_upstreamEndpoint, parameters.UpstreamEndpoint);
        WriteOptional(writer, s_httpMethod, parameters.HttpMethod);
        WriteOptional(writer, s_protocolVersion, parameters.ProtocolVersion);
        WriteOptional(writer, s_sessionIdHash, parameters.SessionIdHash);
        WriteOptional(writer, s_target, parameters.Target);
        WriteOptional(writer, s_jsonRpcId, parameters.JsonRpcId);
        if (parameters.Arguments is { } arguments)
        {
            writer.WritePropertyName(s_arguments);
            arguments.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteResponseElements(Utf8JsonWriter writer, AuditResponseElements response)
    {
        writer.WriteStartObject(s_responseElements);
        writer.WriteNumber(s_httpStatus, response.HttpStatus);
        if (response.IsError is { } isError)
        {
            writer.WriteBoolean(s_isError, isError);
        }

        if (response.JsonRpcErrorCode is { } code)
        {
            writer.WriteNumber(s_jsonRpcErrorCode, code);
        }

        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
