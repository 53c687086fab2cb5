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
    private const string OrgBaseUrl = "https://stand-in.my.salesforce.example";

    /// <summary>Pause between report steps, so progress visibly streams (and a relay that buffers shows).</summary>
    private static readonly TimeSpan s_reportStepDuration = TimeSpan.FromMilliseconds(100);

    [McpServerTool(Name = "soqlQuery", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Runs a SOQL query (stand-in subset: SELECT fields FROM Object [WHERE Field = 'value'] [LIMIT n]).")]
    public CallToolResult SoqlQuery([Description("The SOQL query.")] string query) =>
        store.Query(query, out var error) is { } result ? Json(result) : Failure(error!);

    [McpServerTool(Name = "getObjectSchema", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Describes an sObject's fields.")]
    public static CallToolResult GetObjectSchema([Description("The sObject API name, e.g. Account.")] string objectApiName)
    {
        if (!SObjectStore.IsKnown(objectApiName))
        {
            return UnknownObject(objectApiName);
        }

        var fields = new JsonArray([.. SObjectStore.FieldsOf(objectApiName).Select(static f => (JsonNode)new JsonObject { ["name"] = f, ["type"] = f == "Id" ? "id" : "string" })]);
        return Json(new JsonObject { ["name"] = objectApiName, ["fields"] = fields });
    }

    [McpServerTool(Name = "getUserInfo", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Returns the user the call runs as: user, organization and username.")]
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
            ["urls"] = new JsonObject { ["custom_domain"] = OrgBaseUrl },
        });
    }

    [McpServerTool(Name = "listRecentSobjectRecords", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Lists recent records of an sObject.")]
    public CallToolResult ListRecentSobjectRecords(
        [Description("The sObject API name, e.g. Account.")] string objectApiName,
        [Description("How many records at most (1-200).")] int limit = 5) =>
        SObjectStore.IsKnown(objectApiName)
            ? Json(new JsonObject { ["records"] = new JsonArray([.. store.All(objectApiName).Take(Math.Clamp(limit, 1, 200))]) })
            : UnknownObject(objectApiName);

    [McpServerTool(Name = "createSobjectRecord", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Creates a record and returns its id.")]
    public CallToolResult CreateSobjectRecord(
        [Description("The sObject API name, e.g. Account.")] string objectApiName,
        [Description("Field values by field API name, e.g. {\"Name\": \"Umbrella\"}.")] JsonElement fields)
    {
        if (!SObjectStore.IsKnown(objectApiName))
        {
            return UnknownObject(objectApiName);
        }

        if (fields.ValueKind != JsonValueKind.Object)
        {
            return Failure("JSON_PARSER_ERROR: fields must be a JSON object of field names and values.");
        }

        var values = JsonNode.Parse(fields.GetRawText())!.AsObject();
        if (SObjectStore.ValidateInsert(objectApiName, values) is { } error)
        {
            return Failure(error);
        }

        var record = store.Add(objectApiName, values);
        return Json(new JsonObject { ["id"] = record["Id"]!.DeepClone(), ["success"] = true, ["errors"] = new JsonArray() });
    }

    [McpServerTool(Name = "deleteSobjectRecord", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Deletes a record.")]
    public CallToolResult DeleteSobjectRecord(
        [Description("The sObject API name, e.g. Account.")] string objectApiName,
        [Description("The 18-character record id.")] string recordId) =>
        store.Delete(objectApiName, recordId)
            ? Json(new JsonObject { ["id"] = recordId, ["success"] = true, ["errors"] = new JsonArray() })
            : Failure($"ENTITY_IS_DELETED: entity '{recordId}' is deleted or does not exist.");

    /// <remarks>
    /// Progress is sent with <see cref="McpSession.NotifyProgressAsync(ProgressToken, ProgressNotificationValue, RequestOptions?, CancellationToken)"/>
    /// and awaited, rather than through an injected <see cref="IProgress{T}"/>: the SDK's IProgress fires and
    /// forgets, so a notification could be written after the result. Awaiting keeps every one ahead of it.
    /// </remarks>
    [McpServerTool(Name = "runLongReport", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Runs a report in steps, sending a progress notification per step when the call has a progress token.")]
    public static async Task<CallToolResult> RunLongReport(
        RequestContext<CallToolRequestParams> request,
        [Description("How many steps (1-100).")] int steps = 5,
        CancellationToken cancellationToken = default)
    {
        steps = Math.Clamp(steps, 1, 100);
        var progressToken = request.Params?.ProgressToken;
        for (var step = 1; step <= steps; step++)
        {
            await Task.Delay(s_reportStepDuration, cancellationToken);
            if (progressToken is { } token)
            {
                await request.Server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = step, Total = steps, Message = $"Step {step} of {steps}" },
                    cancellationToken: cancellationToken);
            }
        }

        return Json(new JsonObject { ["steps"] = steps, ["status"] = "complete" });
    }

    private static CallToolResult Json(JsonNode node) => new()
    {
        Content = [new TextContentBlock { Text = node.ToJsonString() }],
        Meta = new JsonObject { ["salesforce/org_base_url"] = OrgBaseUrl },
    };

    private static CallToolResult UnknownObject(string objectApiName) =>
        Failure($"INVALID_TYPE: sObject type '{objectApiName}' is not supported.");

    // Salesforce reports tool failures as results with isError, not as JSON-RPC errors.
    private static CallToolResult Failure(string message) => new()
    {
        Content = [new TextContentBlock { Text = message }],
        IsError = true,
    };
}
