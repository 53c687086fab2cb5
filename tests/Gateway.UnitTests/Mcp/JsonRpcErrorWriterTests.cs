using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Mcp;
using Microsoft.AspNetCore.Http;

namespace Gateway.UnitTests.Mcp;

public sealed class JsonRpcErrorWriterTests
{
    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("7")]
    [InlineData("-1.5e3")]
    [InlineData("\"a\\\"b\\\\c\\u00e9\"")]
    [InlineData("\"é€😀\"")]
    public void Write_WithId_EchoesTheRawId(string idJson)
    {
        var rejection = new McpRejection(400, JsonRpcErrorCodes.InvalidRequest, "invalid_params", "The params must be an object or an array.") { IdJson = idJson };

        using var document = Write(rejection);

        var root = document.RootElement;
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        Assert.Equal(idJson, root.GetProperty("id").GetRawText());
        var error = root.GetProperty("error");
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error.GetProperty("code").GetInt32());
        Assert.Equal("The params must be an object or an array.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_params", error.GetProperty("data").GetProperty("reason").GetString());
    }

    [Fact]
    public void Write_WithoutId_WritesNullId()
    {
        var rejection = new McpRejection(400, JsonRpcErrorCodes.ParseError, "parse_error", "The request body is not valid JSON.");

        using var document = Write(rejection);

        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("id").ValueKind);
        Assert.Equal(-32700, root.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("parse_error", root.GetProperty("error").GetProperty("data").GetProperty("reason").GetString());
    }

    [Fact]
    public void Write_WithoutVersionData_HasOnlyReasonInData()
    {
        var rejection = new McpRejection(403, JsonRpcErrorCodes.Unauthorized, "origin_not_allowed", "no");

        using var document = Write(rejection);

        var data = document.RootElement.GetProperty("error").GetProperty("data");
        Assert.Equal(["reason"], data.EnumerateObject().Select(static p => p.Name));
    }

    [Fact]
    public void Write_VersionError_CarriesSupportedAndRequested()
    {
        var rejection = new McpRejection(400, JsonRpcErrorCodes.UnsupportedProtocolVersion, "unsupported_protocol_version", "MCP protocol version '2099-01-01' is not supported by this gateway.")
        {
            SupportedVersions = ["2025-06-18", "2025-11-25"],
            RequestedVersion = "2099-01-01",
        };

        using var document = Write(rejection);

        var error = document.RootElement.GetProperty("error");
        Assert.Equal(-32022, error.GetProperty("code").GetInt32());
        var data = error.GetProperty("data");
        Assert.Equal("unsupported_protocol_version", data.GetProperty("reason").GetString());
        Assert.Equal(["2025-06-18", "2025-11-25"], data.GetProperty("supported").EnumerateArray().Select(static v => v.GetString()));
        Assert.Equal("2099-01-01", data.GetProperty("requested").GetString());
    }

    [Fact]
    public void Write_MessageWithQuotesAndControlCharacters_IsEscaped()
    {
        var text = "MCP protocol version '\"}\n\u0001<x>' is not supported.";
        var rejection = new McpRejection(400, JsonRpcErrorCodes.UnsupportedProtocolVersion, "unsupported_protocol_version", text)
        {
            SupportedVersions = ["2025-06-18"],
            RequestedVersion = "\"}\n\u0001<x>",
        };

        using var document = Write(rejection);

        var error = document.RootElement.GetProperty("error");
        Assert.Equal(text, error.GetProperty("message").GetString());
        Assert.Equal("\"}\n\u0001<x>", error.GetProperty("data").GetProperty("requested").GetString());
    }

    [Fact]
    public void Write_RejectionFromScanner_RoundTripsTheEscapedId()
    {
        var body = """{"jsonrpc":"2.0","id":"a\"b\u00e9ü","method":"ping","params":"x"}"""u8;
        Assert.False(JsonRpcScanner.TryScan(body, 64, false, ProtocolVersions.V2025_06_18, out _, out var rejection));

        using var document = Write(rejection);

        Assert.Equal("a\"béü", document.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task WriteAsync_SetsStatusContentTypeHeadersAndBody()
    {
        var context = new DefaultHttpContext { RequestAborted = TestContext.Current.CancellationToken };
        var body = new MemoryStream();
        context.Response.Body = body;
        var rejection = new McpRejection(401, JsonRpcErrorCodes.Unauthorized, "missing_credential", "Authentication is required.")
        {
            Headers = [new("WWW-Authenticate", "ApiKey realm=\"mcp-gateway\"")],
        };

        await JsonRpcErrorWriter.WriteAsync(context, rejection);

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("ApiKey realm=\"mcp-gateway\"", context.Response.Headers.WWWAuthenticate.ToString());
        using var document = JsonDocument.Parse(body.ToArray());
        Assert.Equal(-32001, document.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    private static JsonDocument Write(McpRejection rejection)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonRpcErrorWriter.Write(output, rejection);
        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        return JsonDocument.Parse(text);
    }
}
