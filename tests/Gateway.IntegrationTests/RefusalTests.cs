using System.Net;
using System.Text;
using Gateway.Mcp;
using Gateway.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>
/// Every refusal through the whole pipeline: the right status, a JSON-RPC error naming what was
/// wrong, and nothing forwarded. The rules themselves are covered one by one in the unit tests.
/// </summary>
public sealed class RefusalTests : IDisposable
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly GatewayFactory _gateway;

    public RefusalTests()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":1,"result":{}}"""));
        _gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"), new Dictionary<string, string?>
        {
            ["Gateway:Mcp:MaxRequestBodyBytes"] = "2048",
            ["Gateway:Mcp:AllowedOrigins:0"] = "https://console.example.com",
        });
    }

    public static TheoryData<string, Func<HttpRequestMessage>, HttpStatusCode, int, string, string?> Cases => new()
    {
        { "no credential", () => McpRequests.Post(McpRequests.ToolsCall, apiKey: null), HttpStatusCode.Unauthorized, JsonRpcErrorCodes.Unauthorized, "missing_credential", null },
        { "wrong API key", () => McpRequests.Post(McpRequests.ToolsCall, apiKey: "not-a-key"), HttpStatusCode.Unauthorized, JsonRpcErrorCodes.Unauthorized, "invalid_api_key", null },
        { "wrong bearer", () => WithHeader(McpRequests.Post(McpRequests.ToolsCall, apiKey: null), "Authorization", "Bearer nope"), HttpStatusCode.Unauthorized, JsonRpcErrorCodes.Unauthorized, "invalid_token", null },
        { "foreign origin", () => WithHeader(McpRequests.Post(McpRequests.ToolsCall), "Origin", "https://evil.example"), HttpStatusCode.Forbidden, JsonRpcErrorCodes.Unauthorized, "origin_not_allowed", null },
        { "accept json only", () => WithAccept(McpRequests.Post(McpRequests.ToolsCall), "application/json"), HttpStatusCode.NotAcceptable, JsonRpcErrorCodes.InvalidRequest, "not_acceptable", null },
        { "accept json-seq, not json", () => WithAccept(McpRequests.Post(McpRequests.ToolsCall), "application/json-seq, text/event-stream"), HttpStatusCode.NotAcceptable, JsonRpcErrorCodes.InvalidRequest, "not_acceptable", null },
        { "text/plain body", () => WithContentType(McpRequests.Post(McpRequests.ToolsCall), "text/plain"), HttpStatusCode.UnsupportedMediaType, JsonRpcErrorCodes.InvalidRequest, "unsupported_media_type", null },
        { "body over limit", () => McpRequests.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"q\":\"" + new string('a', 3000) + "\"}}"), HttpStatusCode.RequestEntityTooLarge, JsonRpcErrorCodes.InvalidRequest, "body_too_large", null },
        { "broken JSON", () => McpRequests.Post("""{"jsonrpc":"2.0","id":1,"method":"""), HttpStatusCode.BadRequest, JsonRpcErrorCodes.ParseError, "parse_error", null },
        { "not JSON-RPC", () => McpRequests.Post("""{"id":3,"method":"tools/list"}"""), HttpStatusCode.BadRequest, JsonRpcErrorCodes.InvalidRequest, "invalid_jsonrpc_version", "3" },
        { "batch in 2025-06-18", () => McpRequests.Post("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]"""), HttpStatusCode.BadRequest, JsonRpcErrorCodes.InvalidRequest, "batch_not_supported", null },
        { "unknown version", () => McpRequests.Post(McpRequests.ToolsCall, protocolVersion: "2099-01-01"), HttpStatusCode.BadRequest, JsonRpcErrorCodes.UnsupportedProtocolVersion, "unsupported_protocol_version", null },
        { "2026-07-28 without Mcp-Method", () => McpRequests.Post(McpRequests.ToolsCall, protocolVersion: "2026-07-28"), HttpStatusCode.BadRequest, JsonRpcErrorCodes.HeaderMismatch, "missing_mcp_method", "7" },
        { "2026-07-28 GET", () => McpRequests.Get().WithVersion("2026-07-28"), HttpStatusCode.MethodNotAllowed, JsonRpcErrorCodes.InvalidRequest, "method_not_allowed", null },
        { "PUT", () => new HttpRequestMessage(HttpMethod.Put, "/mcp") { Headers = { { "x-api-key", TestCredentials.AliceApiKey } } }, HttpStatusCode.MethodNotAllowed, JsonRpcErrorCodes.InvalidRequest, "method_not_allowed", null },
        { "GET without SSE accept", () => WithAccept(McpRequests.Get(), "application/json"), HttpStatusCode.NotAcceptable, JsonRpcErrorCodes.InvalidRequest, "not_acceptable", null },
        { "session id with a space", () => WithHeader(McpRequests.Post(McpRequests.ToolsCall), "Mcp-Session-Id", "a b"), HttpStatusCode.BadRequest, JsonRpcErrorCodes.InvalidRequest, "invalid_session_id", "7" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_IsRefusedWithJsonRpcError_AndNotForwarded(string name, Func<HttpRequestMessage> create, HttpStatusCode status, int code, string reason, string? idJson)
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = create();

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(response, status, code, reason, idJson);
        Assert.True(!_upstream.LogEntries.Any(), $"{name}: a refused request must not be forwarded");
    }

    [Fact]
    public async Task Unauthorized_CarriesWwwAuthenticate()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, apiKey: null), TestContext.Current.CancellationToken);

        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("ApiKey", challenge, StringComparison.Ordinal);
        Assert.Contains("x-api-key", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedVersion_ListsTheSupportedOnes()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, protocolVersion: "2099-01-01"), TestContext.Current.CancellationToken);

        var error = await JsonRpcAssert.ErrorAsync(response, HttpStatusCode.BadRequest, JsonRpcErrorCodes.UnsupportedProtocolVersion);
        var data = error.GetProperty("data");
        Assert.Equal("2099-01-01", data.GetProperty("requested").GetString());
        Assert.Contains("2025-11-25", data.GetProperty("supported").EnumerateArray().Select(static v => v.GetString()));
    }

    [Fact]
    public async Task BatchIn20250326_IsForwardedWhole()
    {
        const string batch = """[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]""";
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(McpRequests.Post(batch, protocolVersion: null), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(batch, Assert.Single(_upstream.LogEntries).RequestMessage.Body);
    }

    [Fact]
    public async Task AllowedOrigin_IsForwarded()
    {
        using var client = _gateway.CreateGatewayClient();

        using var response = await client.SendAsync(WithHeader(McpRequests.Post(McpRequests.ToolsCall), "Origin", "https://console.example.com"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChunkedBody_IsValidatedAndForwardedWithItsLength()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(McpRequests.ToolsCall)));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(McpRequests.ToolsCall, Assert.Single(_upstream.LogEntries).RequestMessage.Body);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Returns413WithJsonRpcError()
    {
        using var client = _gateway.CreateGatewayClient();
        using var request = McpRequests.Post(McpRequests.ToolsCall);
        var big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"q\":\"" + new string('a', 5000) + "\"}}";
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await JsonRpcAssert.ErrorAsync(response, System.Net.HttpStatusCode.RequestEntityTooLarge, JsonRpcErrorCodes.InvalidRequest, "body_too_large");
        Assert.Empty(_upstream.LogEntries);
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static HttpRequestMessage WithAccept(HttpRequestMessage request, string accept)
    {
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    private static HttpRequestMessage WithContentType(HttpRequestMessage request, string contentType)
    {
        request.Content!.Headers.ContentType = new(contentType);
        return request;
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _upstream.Stop();
        _upstream.Dispose();
    }
}

internal static class RequestExtensions
{
    public static HttpRequestMessage WithVersion(this HttpRequestMessage request, string version)
    {
        request.Headers.Remove("MCP-Protocol-Version");
        request.Headers.Add("MCP-Protocol-Version", version);
        return request;
    }
}
