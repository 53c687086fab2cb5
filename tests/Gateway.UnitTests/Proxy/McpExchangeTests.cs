using Gateway.Inspection;
using Gateway.Mcp;
using Gateway.Proxy;

namespace Gateway.UnitTests.Proxy;

public sealed class McpExchangeTests
{
    private static readonly DeclaredTools s_tools = new([new DeclaredTool("soqlQuery", true)]);

    [Fact]
    public void OnMessage_KeepsDeclaredTools_OnlyFromTheAnswerToItsOwnToolsList_AndOnlyOneList()
    {
        var exchange = new McpExchange
        {
            Message = new McpMessage(
            [
                Request("tools/call", "1"),
                Request("tools/list", "2"),
                Request("tools/list", "3"),
            ]),
        };
        IJsonRpcMessageObserver observer = exchange;

        observer.OnMessage(Response("1", s_tools));
        observer.OnMessage(Response("2", s_tools));
        observer.OnMessage(Response("3", s_tools));
        observer.OnMessage(Response("4", s_tools));

        Assert.Null(exchange.FindResponse("1")!.Value.Tools);
        Assert.Equal(s_tools, exchange.FindResponse("2")!.Value.Tools);
        Assert.Null(exchange.FindResponse("3")!.Value.Tools);
        Assert.Null(exchange.FindResponse("4")!.Value.Tools);
    }

    [Fact]
    public void OnMessage_WithoutARequestBody_KeepsNoDeclaredTools()
    {
        IJsonRpcMessageObserver exchange = new McpExchange();

        exchange.OnMessage(Response("1", s_tools));

        Assert.Null(((McpExchange)exchange).FindResponse("1")!.Value.Tools);
    }

    [Fact]
    public void OnMessage_ToolsListChanged_IsReportedAsItPasses_AndNoOtherMessageIs()
    {
        var changes = 0;
        var exchange = new McpExchange { ToolsListChanged = () => changes++ };
        IJsonRpcMessageObserver observer = exchange;

        observer.OnMessage(Notification("notifications/progress"));
        observer.OnMessage(Notification("notifications/prompts/list_changed"));
        // A server request by that name is not the notification.
        observer.OnMessage(new InspectedMessage(InspectedKind.Request, "5", McpMethods.ToolsListChanged, null, null, 10));
        observer.OnMessage(Response("1", s_tools));
        Assert.Equal(0, changes);

        observer.OnMessage(Notification(McpMethods.ToolsListChanged));
        Assert.Equal(1, changes);
    }

    [Fact]
    public void OnMessage_ToolsListChanged_WithNoOneListening_IsHarmless()
    {
        IJsonRpcMessageObserver exchange = new McpExchange();

        exchange.OnMessage(Notification(McpMethods.ToolsListChanged));

        Assert.Null(((McpExchange)exchange).Responses);
    }

    private static JsonRpcMessage Request(string method, string id) => new() { Kind = JsonRpcKind.Request, Method = method, IdJson = id };

    private static InspectedMessage Notification(string method) => new(InspectedKind.Notification, null, method, null, null, 10);

    private static InspectedMessage Response(string id, DeclaredTools tools) => new(InspectedKind.Response, id, null, null, null, 10, tools);
}
