using NJsonSchema;

namespace Gateway.Testing;

/// <summary>The committed audit record schema (src/Gateway/Audit/audit-record.schema.json), for validating what the gateway wrote.</summary>
public static class AuditSchema
{
    private static readonly Lazy<JsonSchema> s_schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(GatewayFactory.RepositoryRoot, "src", "Gateway", "Audit", "audit-record.schema.json"))).GetAwaiter().GetResult());

    /// <summary>The schema's complaints about one serialized record; empty when it conforms. Dates stay strings, as consumers read them.</summary>
    public static ICollection<NJsonSchema.Validation.ValidationError> Errors(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        var token = Newtonsoft.Json.Linq.JToken.ReadFrom(reader);
        return s_schema.Value.Validate(token);
    }
}
