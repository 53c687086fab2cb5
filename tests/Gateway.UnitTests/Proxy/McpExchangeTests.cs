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

    private static JsonRpcMessage Request(string method, string id) => new() { Kind = JsonRpcKind.Request, Method = method, IdJson = id };

    private static InspectedMessage Response(string id, DeclaredTools tools) => new(InspectedKind.Response, id, null, null, null, 10, tools);
}
