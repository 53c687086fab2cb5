using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Audit;

/// <summary>
/// <c>eventTime</c> as CloudTrail writes it: UTC, ISO 8601, whole seconds, <c>Z</c>
/// (<c>2014-03-06T21:22:54Z</c>, reference/domain.md §4.1). Sub-second order comes from the version 7 <c>eventID</c>.
/// </summary>
internal sealed class CloudTrailTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.ParseExact(reader.GetString() ?? "", Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[20];
        value.UtcDateTime.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
