using System.Net.Http.Headers;
using System.Text;
using Gateway.Testing;

namespace Gateway.IntegrationTests;

/// <summary>Builds Streamable HTTP requests as a well-behaved MCP client sends them.</summary>
internal static class McpRequests
{
    public const string ToolsCall = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"soqlQuery","arguments":{"query":"SELECT Id FROM Account"}}}""";
    public const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";

    public static HttpRequestMessage Post(string body, string? apiKey = TestCredentials.AliceApiKey, string? protocolVersion = "2025-06-18", string? sessionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (protocolVersion is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        }

        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        return request;
    }

    public static HttpRequestMessage Get(string? apiKey = TestCredentials.AliceApiKey, string? sessionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        return request;
    }
}
