using System.Text.Json.Serialization;

namespace Gateway.Audit;

/// <summary>
/// Source-generated JSON metadata for audit records (STYLE.md §7: the gateway has reflection
/// serialization off). camelCase names, nulls omitted: an absent optional field is absent, as in
/// CloudTrail. Serialize through <see cref="AuditJson"/>, which adds the encoder records are written with.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
