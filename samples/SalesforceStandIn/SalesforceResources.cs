using System.ComponentModel;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SalesforceStandIn;

/// <summary>
/// The org's object list as a plain resource, and every record as a resource: listed one by one by
/// <see cref="ListRecordsAsync"/> and read through the <c>salesforce://record/{objectName}/{id}</c> template.
/// </summary>
[McpServerResourceType]
internal sealed class SalesforceResources(SObjectStore store)
{
    private const string RecordUriPrefix = "salesforce://record/";

    [McpServerResource(UriTemplate = "salesforce://org/objects", Name = "objects", MimeType = "application/json")]
    [Description("The sObjects this org exposes.")]
    public static string Objects() => new JsonArray([.. SObjectStore.ObjectNames.Select(static n => (JsonNode)n)]).ToJsonString();

    [McpServerResource(UriTemplate = RecordUriPrefix + "{objectName}/{id}", Name = "record", MimeType = "application/json")]
    [Description("One record, by sObject API name and 18-character id.")]
    public string Record(McpServer server, string objectName, string id)
    {
        if ((SObjectStore.IsKnown(objectName) ? store.Find(objectName, id) : null) is { } record)
        {
            return record.ToJsonString();
        }

        // The SDK's own code for an unknown URI: -32602 from 2026-07-28 on, -32002 before (its helper is internal).
        var code = string.CompareOrdinal(server.NegotiatedProtocolVersion, "2026-07-28") >= 0
            ? McpErrorCode.InvalidParams
            : McpErrorCode.ResourceNotFound;
        throw new McpProtocolException($"Resource not found: {RecordUriPrefix}{objectName}/{id}", code);
    }

    /// <summary><c>resources/list</c>: one entry per record, in one page.</summary>
    public static ValueTask<ListResourcesResult> ListRecordsAsync(RequestContext<ListResourcesRequestParams> request, CancellationToken cancellationToken)
    {
        var store = request.Services!.GetRequiredService<SObjectStore>();
        var resources = new List<Resource>();
        foreach (var record in store.AllRecords())
        {
            var type = record["attributes"]!["type"]!.GetValue<string>();
            var id = record["Id"]!.GetValue<string>();
            resources.Add(new Resource
            {
                Uri = $"{RecordUriPrefix}{type}/{id}",
                Name = id,
                Title = $"{type}: {DisplayName(record)}",
                MimeType = "application/json",
            });
        }

        return ValueTask.FromResult(new ListResourcesResult { Resources = resources });
    }

    private static string DisplayName(JsonObject record) =>
        record["Name"]?.ToString() ?? $"{record["FirstName"]} {record["LastName"]}".Trim();
}
