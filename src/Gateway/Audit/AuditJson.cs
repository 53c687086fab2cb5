using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Audit;

/// <summary>How an <see cref="AuditRecord"/> becomes JSON: one object, on one line.</summary>
internal static class AuditJson
{
    /// <summary>
    /// The generated metadata plus the relaxed encoder, so non-ASCII names and <c>+ &lt; &gt; '</c> stay
    /// readable (as the JSON console log formatter does). Control characters, line breaks included, are
    /// still escaped: a record is always one line.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        TypeInfoResolver = AuditJsonContext.Default,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonTypeInfo<AuditRecord> RecordTypeInfo { get; } = (JsonTypeInfo<AuditRecord>)Options.GetTypeInfo(typeof(AuditRecord));

    /// <summary>The record as one line of JSON, without the line break.</summary>
    public static string Serialize(AuditRecord record) => JsonSerializer.Serialize(record, RecordTypeInfo);

    /// <summary>Writes the record to <paramref name="writer"/> as one JSON object, without a line break.</summary>
    public static void Serialize(Utf8JsonWriter writer, AuditRecord record) => JsonSerializer.Serialize(writer, record, RecordTypeInfo);
}
