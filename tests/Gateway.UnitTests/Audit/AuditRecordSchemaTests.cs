using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Audit;
using Microsoft.AspNetCore.Http;

namespace Gateway.UnitTests.Audit;

public sealed class AuditRecordSchemaTests
{
    public static TheoryData<string> Inputs => ["minimal", "full", "rejected", "tls", "upstream error", "batch notification", "arguments", "oauth"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Serialize_EachKindOfRecord_MatchesCommittedSchema(string kind)
    {
        var json = AuditTestData.Serialize(Build(kind));

        AuditTestData.AssertMatchesSchema(json);
    }

    [Theory]
    [InlineData("eventVersion")]
    [InlineData("userIdentity")]
    [InlineData("eventTime")]
    [InlineData("eventSource")]
    [InlineData("eventName")]
    [InlineData("awsRegion")]
    [InlineData("sourceIPAddress")]
    [InlineData("requestParameters")]
    [InlineData("responseElements")]
    [InlineData("requestID")]
    [InlineData("eventID")]
    [InlineData("eventType")]
    [InlineData("eventCategory")]
    [InlineData("readOnly")]
    [InlineData("managementEvent")]
    public void Schema_RecordMissingRequiredField_Fails(string field)
    {
        var node = JsonNode.Parse(AuditTestData.Serialize(Build("full")))!.AsObject();
        node.Remove(field);

        AssertRejectedFor(node, field);
    }

    [Theory]
    [InlineData("eventTime", "\"2026-04-08T01:33:24.567Z\"")]
    [InlineData("eventTime", "\"2026-04-08T01:33:24+00:00\"")]
    [InlineData("eventTime", "\"2026-04-08 01:33:24Z\"")]
    [InlineData("eventID", "\"not-a-uuid\"")]
    [InlineData("eventID", "\"0196f1a2-7b3c-7d4e-8f90-a1b2c3d4e5f\"")]
    [InlineData("eventSource", "\"aidevops.amazonaws.com\"")]
    [InlineData("eventType", "\"AwsServiceEvent\"")]
    [InlineData("eventCategory", "\"Management\"")]
    [InlineData("managementEvent", "true")]
    [InlineData("recipientAccountId", "\"1234\"")]
    [InlineData("sourceIPAddress", "\"not an address\"")]
    [InlineData("somethingElse", "1")]
    public void Schema_RecordWithBadValue_Fails(string field, string valueJson)
    {
        var node = JsonNode.Parse(AuditTestData.Serialize(Build("full")))!.AsObject();
        node[field] = JsonNode.Parse(valueJson);

        AssertRejectedFor(node, field);
    }

    [Fact]
    public void Schema_NestedUnknownProperty_Fails()
    {
        var node = JsonNode.Parse(AuditTestData.Serialize(Build("full")))!.AsObject();
        node["userIdentity"]!["accessKeyId"] = "AKIAEXAMPLE";

        AssertRejectedFor(node, "accessKeyId");
    }

    [Fact]
    public void Serialize_EventTime_IsUtcWholeSecondsWithZ()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.MinimalInput() with { CompletedAt = new DateTimeOffset(2026, 4, 8, 3, 33, 24, 999, TimeSpan.FromHours(2)) });

        using var json = JsonDocument.Parse(AuditTestData.Serialize(record));

        Assert.Equal("2026-04-08T01:33:24Z", json.RootElement.GetProperty("eventTime").GetString());
    }

    [Fact]
    public void Serialize_FullRecord_HasCloudTrailNamesOrderAndConstants()
    {
        using var json = JsonDocument.Parse(AuditTestData.Serialize(Build("full")));
        var root = json.RootElement;

        Assert.Equal(
            ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
             "requestParameters", "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "eventType",
             "managementEvent", "recipientAccountId", "eventCategory", "tlsDetails"],
            root.EnumerateObject().Select(static p => p.Name));
        Assert.Equal("1.11", root.GetProperty("eventVersion").GetString());
        Assert.Equal("AwsApiCall", root.GetProperty("eventType").GetString());
        Assert.Equal("Data", root.GetProperty("eventCategory").GetString());
        Assert.False(root.GetProperty("managementEvent").GetBoolean());
        Assert.Equal("mcp-gateway.salesforce", root.GetProperty("eventSource").GetString());
        Assert.Equal("us-east-1", root.GetProperty("awsRegion").GetString());
    }

    [Fact]
    public void Serialize_MinimalRecord_OmitsAbsentFieldsInsteadOfWritingNull()
    {
        var json = AuditTestData.Serialize(AuditTestData.Factory(new AuditOptions()).Create(AuditTestData.MinimalInput()));

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.TryGetProperty("errorCode", out _));
        Assert.False(document.RootElement.TryGetProperty("tlsDetails", out _));
        Assert.False(document.RootElement.TryGetProperty("recipientAccountId", out _));
    }

    [Fact]
    public void Serialize_AnyRecord_IsOneLine()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { UserAgent = "evil\r\nforged: line", Target = "a\nb" });

        var json = AuditTestData.Serialize(record);

        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\r', json);
        AuditTestData.AssertMatchesSchema(json);
    }

    private static void AssertRejectedFor(JsonObject record, string field)
    {
        var errors = AuditTestData.SchemaErrors(record.ToJsonString());

        Assert.Contains(errors, e => e.Property == field || (e.Path?.EndsWith(field, StringComparison.Ordinal) ?? false));
    }

    internal static AuditRecord Build(string kind)
    {
        var factory = AuditTestData.Factory();
        return kind switch
        {
            "minimal" => AuditTestData.Factory(new AuditOptions()).Create(AuditTestData.MinimalInput()),
            "full" => factory.Create(AuditTestData.FullInput()),
            "rejected" => factory.Create(AuditTestData.RejectedInput()),
            "tls" => factory.Create(AuditTestData.MinimalInput() with { TlsProtocol = System.Security.Authentication.SslProtocols.Tls12, Host = "gw.example.com" }),
            "upstream error" => factory.Create(AuditTestData.FullInput() with { HttpStatus = 200, JsonRpcErrorCode = -32602, JsonRpcErrorMessage = "Invalid params: q", IsError = null }),
            "batch notification" => factory.Create(AuditTestData.FullInput() with { Method = "notifications/initialized", JsonRpcIdJson = null, Target = null, HttpStatus = StatusCodes.Status202Accepted, MessageIndex = 1 }),
            "arguments" => AuditTestData.Factory(AuditTestData.Options(static o => o.IncludeArguments = true)).Create(AuditTestData.FullInput()),
            "oauth" => factory.Create(AuditTestData.FullInput() with { Principal = new Gateway.Inbound.GatewayPrincipal("user:00Dxx0000001gPL:005xx000001X8Uz", Gateway.Inbound.InboundCredentialKind.OAuth) { ClientId = "mcp-client-7f3a" } }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
