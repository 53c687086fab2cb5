using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SalesforceStandIn;

/// <summary>
/// In-memory sObject records, seeded per server instance, and a very small SOQL subset:
/// <c>SELECT f1, f2 FROM Object [WHERE Field = 'value'] [LIMIT n]</c>.
/// </summary>
internal sealed partial class SObjectStore
{
    private static readonly Dictionary<string, string[]> s_fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Account"] = ["Id", "Name", "Industry", "AnnualRevenue", "BillingCity"],
        ["Contact"] = ["Id", "FirstName", "LastName", "Email", "AccountId"],
        ["Opportunity"] = ["Id", "Name", "StageName", "Amount", "AccountId"],
    };

    private static readonly Dictionary<string, string> s_prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Account"] = "001",
        ["Contact"] = "003",
        ["Opportunity"] = "006",
    };

    private readonly ConcurrentDictionary<string, List<JsonObject>> _records = new(StringComparer.OrdinalIgnoreCase);
    private int _sequence = 100;

    public SObjectStore()
    {
        Add("Account", new() { ["Name"] = "Acme Corporation", ["Industry"] = "Manufacturing", ["AnnualRevenue"] = 120000000, ["BillingCity"] = "San Francisco" });
        Add("Account", new() { ["Name"] = "Globex", ["Industry"] = "Energy", ["AnnualRevenue"] = 56000000, ["BillingCity"] = "Seattle" });
        Add("Account", new() { ["Name"] = "Initech", ["Industry"] = "Technology", ["AnnualRevenue"] = 8200000, ["BillingCity"] = "Austin" });
        var acme = _records["Account"][0]["Id"]!.GetValue<string>();
        Add("Contact", new() { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@acme.example", ["AccountId"] = acme });
        Add("Contact", new() { ["FirstName"] = "Alan", ["LastName"] = "Turing", ["Email"] = "alan@acme.example", ["AccountId"] = acme });
        Add("Opportunity", new() { ["Name"] = "Acme renewal", ["StageName"] = "Negotiation", ["Amount"] = 250000, ["AccountId"] = acme });
    }

    public static bool IsKnown(string objectName) => s_fields.ContainsKey(objectName);

    public static IReadOnlyList<string> FieldsOf(string objectName) => s_fields[objectName];

    public static IEnumerable<string> ObjectNames => s_fields.Keys;

    /// <summary>Checks fields for an insert as Salesforce would: known columns only, and never <c>Id</c>.</summary>
    public static string? ValidateInsert(string objectName, JsonObject fields)
    {
        foreach (var (key, _) in fields)
        {
            if (key.Equals("Id", StringComparison.OrdinalIgnoreCase))
            {
                return "INVALID_FIELD_FOR_INSERT_UPDATE: Unable to create/update fields: Id.";
            }

            if (!FieldsOf(objectName).Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                return $"INVALID_FIELD: No such column '{key}' on sobject of type {objectName}.";
            }
        }

        return null;
    }

    public JsonObject Add(string objectName, JsonObject fields)
    {
        var id = s_prefixes[objectName] + "5g00000" + Interlocked.Increment(ref _sequence).ToString("D5", CultureInfo.InvariantCulture) + "AAA";
        var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = objectName }, ["Id"] = id };
        foreach (var (key, value) in fields)
        {
            record[FieldsOf(objectName).First(f => f.Equals(key, StringComparison.OrdinalIgnoreCase))] = value?.DeepClone();
        }

        var list = _records.GetOrAdd(objectName, static _ => []);
        lock (list)
        {
            list.Add(record);
        }

        return record;
    }

    public bool Delete(string objectName, string id)
    {
        if (!_records.TryGetValue(objectName, out var list))
        {
            return false;
        }

        lock (list)
        {
            return list.RemoveAll(r => r["Id"]!.GetValue<string>() == id) > 0;
        }
    }

    public IReadOnlyList<JsonObject> All(string objectName)
    {
        if (!_records.TryGetValue(objectName, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list.Select(static r => (JsonObject)r.DeepClone())];
        }
    }

    /// <summary>Every record of every object, for <c>resources/list</c>.</summary>
    public IEnumerable<JsonObject> AllRecords() => ObjectNames.SelectMany(All);

    public JsonObject? Find(string objectName, string id) => All(objectName).FirstOrDefault(r => r["Id"]!.GetValue<string>() == id);

    /// <summary>Runs a query; on failure returns <see langword="null"/> and a Salesforce-style error such as <c>MALFORMED_QUERY: …</c>.</summary>
    public JsonObject? Query(string soql, out string? error)
    {
        var match = Soql().Match(soql);
        if (!match.Success)
        {
            error = "MALFORMED_QUERY: only SELECT field, ... FROM Object [WHERE Field = 'value'] [LIMIT n] is supported by the stand-in.";
            return null;
        }

        var objectName = match.Groups["object"].Value;
        if (!IsKnown(objectName))
        {
            error = $"INVALID_TYPE: sObject type '{objectName}' is not supported.";
            return null;
        }

        var fields = match.Groups["fields"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = fields.FirstOrDefault(f => !FieldsOf(objectName).Contains(f, StringComparer.OrdinalIgnoreCase));
        if (unknown is not null)
        {
            error = $"INVALID_FIELD: No such column '{unknown}' on entity '{objectName}'.";
            return null;
        }

        IEnumerable<JsonObject> rows = All(objectName);
        if (match.Groups["whereField"].Success)
        {
            var field = FieldsOf(objectName).FirstOrDefault(f => f.Equals(match.Groups["whereField"].Value, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                error = $"INVALID_FIELD: No such column '{match.Groups["whereField"].Value}' on entity '{objectName}'.";
                return null;
            }

            var value = match.Groups["whereValue"].Value;
            rows = rows.Where(r => r[field]?.ToString() == value);
        }

        if (match.Groups["limit"].Success)
        {
            rows = rows.Take(int.Parse(match.Groups["limit"].Value, CultureInfo.InvariantCulture));
        }

        var records = new JsonArray();
        foreach (var row in rows)
        {
            var projected = new JsonObject { ["attributes"] = row["attributes"]!.DeepClone() };
            foreach (var field in fields)
            {
                var actual = FieldsOf(objectName).First(f => f.Equals(field, StringComparison.OrdinalIgnoreCase));
                projected[actual] = row[actual]?.DeepClone();
            }

            records.Add(projected);
        }

        error = null;
        return new JsonObject { ["totalSize"] = records.Count, ["done"] = true, ["records"] = records };
    }

    [GeneratedRegex(@"^\s*SELECT\s+(?<fields>.+?)\s+FROM\s+(?<object>\w+)(?:\s+WHERE\s+(?<whereField>\w+)\s*=\s*'(?<whereValue>[^']*)')?(?:\s+LIMIT\s+(?<limit>\d+))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Soql();
}
