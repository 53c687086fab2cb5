using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SalesforceStandIn;

/// <summary>The GA tool names of Salesforce's <c>platform/sobject-all</c> server, over in-memory records.</summary>
[McpServerToolType]
internal sealed class SalesforceTools(SObjectStore store, IHttpContextAccessor http)
{
    [McpServerTool(Name = "soqlQuery", ReadOnly = true, Destructive = false, Idempotent = true)]
    [Description("Runs a SOQL query (stand-in subset: SELECT fields FROM Object [WHERE Field = 'value'] [LIMIT n]).")]
    public CallToolResult SoqlQuery([Description("The SOQL query.")] string query) =>
        store.Query(query, out var error) is { } result ? Json(result) : Failure(error!);

    [McpServerTool(Name = "getObjectSchema", ReadOnly = true, Destructive = false, Idempotent = true)]
    [Description("Describes an sObject's fields.")]
    public static CallToolResult GetObjectSchema([Description("The sObject API name, e.g. Account.")] string objectApiName)
    {
        if (!SObjectStore.IsKnown(objectApiName))
        {
            return Failure($"INVALID_TYPE: sObject type '{objectApiName}' is not supported.");
        }

        var fields = new JsonArray([.. SObjectStore.FieldsOf(objectApiName).Select(static f => (JsonNode)new JsonObject { ["name"] = f, ["type"] = f == "Id" ? "id" : "string" })]);
        return Json(new JsonObject { ["name"] = objectApiName, ["fields"] = fields });
    }

    [McpServerTool(Name = "getUserInfo", ReadOnly = true, Destructive = false, Idempotent = true)]
    [Description("Returns the user the call runs as.")]
    public CallToolResult GetUserInfo()
    {
        if (http.HttpContext?.Items[StandInServer.UserItem] is not StandInUser user)
        {
            return Failure("INVALID_SESSION_ID: no authenticated user.");
        }

        return Json(new JsonObject
        {
            ["user_id"] = user.UserId,
            ["organization_id"] = user.OrganizationId,
            ["preferred_username"] = user.Username,
            ["name"] = user.DisplayName,
        });
    }

    [McpServerTool(Name = "listRecentSobjectRecords", ReadOnly = true, Destructive = false, Idempotent = true)]
    [Description("Lists recent records of an sObject.")]
    public CallToolResult ListRecentSobjectRecords(string objectApiName, int limit = 5) =>
        SObjectStore.IsKnown(objectApiName)
            ? Json(new JsonObject { ["records"] = new JsonArray([.. store.All(objectApiName).Take(Math.Clamp(limit, 1, 200))]) })
            : Failure($"INVALID_TYPE: sObject type '{objectApiName}' is not supported.");

    [McpServerTool(Name = "createSobjectRecord", ReadOnly = false, Destructive = false, Idempotent = false)]
    [Description("Creates a record.")]
    public CallToolResult CreateSobjectRecord(string objectApiName, JsonElement fields)
    {
        if (!SObjectStore.IsKnown(objectApiName) || fields.ValueKind != JsonValueKind.Object)
        {
            return Failure($"INVALID_TYPE: cannot create '{objectApiName}' from the given fields.");
        }

        var record = store.Add(objectApiName, JsonNode.Parse(fields.GetRawText())!.AsObject());
        return Json(new JsonObject { ["id"] = record["Id"]!.DeepClone(), ["success"] = true });
    }

    [McpServerTool(Name = "deleteSobjectRecord", ReadOnly = false, Destructive = true, Idempotent = true)]
    [Description("Deletes a record.")]
    public CallToolResult DeleteSobjectRecord(string objectApiName, string recordId) =>
        store.Delete(objectApiName, recordId)
            ? Json(new JsonObject { ["id"] = recordId, ["success"] = true })
            : Failure($"ENTITY_IS_DELETED: entity '{recordId}' is deleted or does not exist.");

    [McpServerTool(Name = "runLongReport", ReadOnly = true, Destructive = false)]
    [Description("Runs a report in steps, sending a progress notification per step.")]
    public static async Task<CallToolResult> RunLongReport(IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken, int steps = 5)
    {
        steps = Math.Clamp(steps, 1, 100);
        for (var step = 1; step <= steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress.Report(new ProgressNotificationValue { Progress = step, Total = steps, Message = $"Step {step} of {steps}" });
            await Task.Yield();
        }

        return Json(new JsonObject { ["steps"] = steps, ["status"] = "complete" });
    }

    private static CallToolResult Json(JsonNode node) => new()
    {
        Content = [new TextContentBlock { Text = node.ToJsonString() }],
        Meta = new JsonObject { ["salesforce/org_base_url"] = "https://stand-in.my.salesforce.example" },
    };

    // Salesforce reports tool failures as results with isError, not as JSON-RPC errors.
    private static CallToolResult Failure(string message) => new()
    {
        Content = [new TextContentBlock { Text = message }],
        IsError = true,
    };
}
