using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Audit;

namespace Gateway.UnitTests.Audit;

/// <summary>
/// The hand-written record writer (<see cref="AuditJson"/>) against System.Text.Json's source generator
/// reading the same attributes on <see cref="AuditRecord"/>: byte for byte the same JSON, for every kind
/// of record and for text that needs escaping.
/// </summary>
public sealed class AuditJsonTests
{
    private static readonly JsonSerializerOptions s_generated = new()
    {
        TypeInfoResolver = GeneratedAuditJson.Default,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Theory]
    [MemberData(nameof(AuditRecordSchemaTests.Inputs), MemberType = typeof(AuditRecordSchemaTests))]
    public void Serialize_EachKindOfRecord_IsWhatTheSourceGeneratorWrites(string kind)
    {
        var record = AuditRecordSchemaTests.Build(kind);

        Assert.Equal(JsonSerializer.Serialize(record, s_generated), AuditJson.Serialize(record));
    }

    [Fact]
    public void Serialize_TextNeedingEscapes_IsWhatTheSourceGeneratorWrites_OnOneLine()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with
        {
            UserAgent = "agent/1.0 (+https://example.com) \"quoted\" <tag> 'single' Zürich 東京 \u2028",
            Target = "line\nbreak\ttab\u0001control\\backslash",
            JsonRpcErrorMessage = "é \r\n",
            UpstreamIdentity = new UpstreamIdentity("005xx", null, "ünïcode@example.com"),
        });

        var json = AuditJson.Serialize(record);

        Assert.Equal(JsonSerializer.Serialize(record, s_generated), json);
        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\r', json);
        Assert.Contains("Zürich", json, StringComparison.Ordinal);
        AuditTestData.AssertMatchesSchema(json);
    }

    [Fact]
    public void Serialize_ToAWriter_WritesTheSameObject()
    {
        var record = AuditRecordSchemaTests.Build("arguments");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, AuditJson.WriterOptions))
        {
            AuditJson.Serialize(writer, record);
        }

        Assert.Equal(AuditJson.Serialize(record), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}

/// <summary>The source generator's view of the record, as the reference the hand-written writer must match.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class GeneratedAuditJson : JsonSerializerContext;
