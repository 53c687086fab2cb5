using System.ComponentModel;
using System.Text.Json.Nodes;
using ModelContextProtocol.Server;

namespace SalesforceStandIn;

/// <summary>Org information as a plain resource, and each record as a templated resource.</summary>
[McpServerResourceType]
internal sealed class SalesforceResources(SObjectStore store)
{
    [McpServerResource(UriTemplate = "salesforce://org/objects", Name = "objects", MimeType = "application/json")]
    [Description("The sObjects this org exposes.")]
    public static string Objects() => new JsonArray([.. SObjectStore.ObjectNames.Select(static n => (JsonNode)n)]).ToJsonString();

    [McpServerResource(UriTemplate = "salesforce://record/{objectName}/{id}", Name = "record", MimeType = "application/json")]
    [Description("One record.")]
    public string Record(string objectName, string id) =>
        (SObjectStore.IsKnown(objectName) ? store.Find(objectName, id) : null)?.ToJsonString()
            ?? throw new ArgumentException($"No {objectName} record {id}.");
}
