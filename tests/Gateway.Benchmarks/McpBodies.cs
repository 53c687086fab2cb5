using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Benchmarks;

/// <summary>Deterministic, realistic <c>tools/call</c> bodies of a chosen size.</summary>
internal static class McpBodies
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Clients send non-ASCII text as raw UTF-8, not \uXXXX escapes; that is what Utf8.IsValid sees.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// <c>{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"soqlQuery","arguments":{"query":"SELECT …"},"_meta":{"progressToken":"abc"}}}</c>,
    /// the query padded so that the whole body is exactly <paramref name="size"/> bytes.
    /// </summary>
    public static byte[] SoqlQuery(int size)
    {
        var envelope = WriteSoqlQuery("");
        var room = size - envelope.Length;
        if (room < 256)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Too small for a tools/call envelope.");
        }

        return WriteSoqlQuery(Query(room));
    }

    /// <summary>
    /// A <c>tools/call</c> of <c>upsertRecords</c> whose arguments hold records (nested objects, arrays,
    /// numbers, booleans, nulls, escapes and non-ASCII text) until the body is at least <paramref name="minimumSize"/> bytes.
    /// </summary>
    public static byte[] UpsertRecords(int minimumSize)
    {
        var buffer = new ArrayBufferWriter<byte>(minimumSize + 4096);
        using var writer = new Utf8JsonWriter(buffer, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WriteNumber("id", 43);
        writer.WriteString("method", "tools/call");
        writer.WriteStartObject("params");
        writer.WriteString("name", "upsertRecords");
        writer.WriteStartObject("arguments");
        writer.WriteString("sobject", "Account");
        writer.WriteString("externalIdField", "External_Id__c");
        writer.WriteBoolean("allOrNone", false);
        writer.WriteStartArray("records");
        var cities = new[] { "Zürich", "São Paulo", "København", "Kraków", "Montréal", "東京", "Reykjavík", "Chicago" };
        for (var i = 0; writer.BytesCommitted + writer.BytesPending < minimumSize - 256; i++)
        {
            var city = cities[i % cities.Length];
            writer.WriteStartObject();
            writer.WriteStartObject("attributes");
            writer.WriteString("type", "Account");
            writer.WriteString("url", $"/services/data/v62.0/sobjects/Account/001Dn00000{i:D8}");
            writer.WriteEndObject();
            writer.WriteString("External_Id__c", $"ACME-{i:D6}");
            writer.WriteString("Name", $"Acme \"{city}\" Holdings {i}");
            writer.WriteString("Industry", i % 3 == 0 ? "Technology" : "Manufacturing");
            writer.WriteNumber("AnnualRevenue", 1_250_000.75m + i * 1_000);
            writer.WriteNumber("NumberOfEmployees", 40 + i);
            writer.WriteBoolean("IsActive__c", i % 5 != 0);
            writer.WriteNull("ParentId");
            writer.WriteStartObject("BillingAddress");
            writer.WriteString("street", $"{i} Main Street\nSuite {i % 40}");
            writer.WriteString("city", city);
            writer.WriteString("postalCode", (10000 + i).ToString(CultureInfo.InvariantCulture));
            writer.WriteStartObject("geo");
            writer.WriteNumber("latitude", 47.3769 + i / 1000.0);
            writer.WriteNumber("longitude", 8.5417 - i / 1000.0);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("Tags");
            writer.WriteStringValue("customer");
            writer.WriteStringValue(i % 2 == 0 ? "emea" : "amer");
            writer.WriteEndArray();
            writer.WriteStartArray("Contacts");
            for (var c = 0; c < 2; c++)
            {
                writer.WriteStartObject();
                writer.WriteString("LastName", c == 0 ? "O'Brien" : "Müller");
                writer.WriteString("Email", $"contact{c}.{i}@example.com");
                writer.WriteStartArray("Phones");
                writer.WriteStringValue($"+41 44 {i % 1000:D3} {c:D2} 00");
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartObject("_meta");
        writer.WriteString("progressToken", "abc");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] WriteSoqlQuery(string query)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using var writer = new Utf8JsonWriter(buffer, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WriteNumber("id", 42);
        writer.WriteString("method", "tools/call");
        writer.WriteStartObject("params");
        writer.WriteString("name", "soqlQuery");
        writer.WriteStartObject("arguments");
        writer.WriteString("query", query);
        writer.WriteEndObject();
        writer.WriteStartObject("_meta");
        writer.WriteString("progressToken", "abc");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A plain-ASCII SOQL query of exactly <paramref name="length"/> characters (nothing in it needs escaping).</summary>
    private static string Query(int length)
    {
        const string Head = "SELECT Id, Name, Industry, AnnualRevenue, NumberOfEmployees, BillingCity, BillingCountry, OwnerId, CreatedDate FROM Account WHERE IsDeleted = false";
        const string Tail = " ORDER BY AnnualRevenue DESC LIMIT 200";
        var query = new System.Text.StringBuilder(Head);
        for (var i = 0; ; i++)
        {
            var clause = string.Create(CultureInfo.InvariantCulture, $" AND Name != 'Excluded Account {i}'");
            if (query.Length + clause.Length + Tail.Length > length)
            {
                break;
            }

            query.Append(clause);
        }

        // Whitespace makes up the last few characters; the query stays valid SOQL.
        return query.Append(' ', length - query.Length - Tail.Length).Append(Tail).ToString();
    }
}
