using System.Text;
using Gateway.Mcp;

namespace Gateway.UnitTests.Mcp;

public sealed class JsonRpcScannerTests
{
    private const int MaxDepth = 16;

    // --- Valid single messages -------------------------------------------------------------

    [Fact]
    public void TryScan_Request_ReturnsRequestWithMethodAndId()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");

        Assert.Equal(JsonRpcKind.Request, message.Kind);
        Assert.Equal("tools/list", message.Method);
        Assert.Equal("1", message.IdJson);
        Assert.False(message.IsError);
    }

    [Fact]
    public void TryScan_Notification_ReturnsNotificationWithoutId()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        Assert.Equal(JsonRpcKind.Notification, message.Kind);
        Assert.Equal("notifications/initialized", message.Method);
        Assert.Null(message.IdJson);
    }

    [Fact]
    public void TryScan_ResponseWithResult_ReturnsResponse()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":"r1","result":{"content":[]}}""");

        Assert.Equal(JsonRpcKind.Response, message.Kind);
        Assert.Null(message.Method);
        Assert.Equal("\"r1\"", message.IdJson);
        Assert.False(message.IsError);
    }

    [Fact]
    public void TryScan_ResponseWithError_ReturnsErrorResponse()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found","data":{"x":[1]}}}""");

        Assert.Equal(JsonRpcKind.Response, message.Kind);
        Assert.Equal("2", message.IdJson);
        Assert.True(message.IsError);
    }

    [Fact]
    public void TryScan_ErrorResponseWithNullId_ReturnsResponse()
    {
        // JSON-RPC 2.0 §5: the id is null when the request id could not be read.
        var message = ScanOne("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""");

        Assert.Equal(JsonRpcKind.Response, message.Kind);
        Assert.Null(message.IdJson);
        Assert.True(message.IsError);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1,"a",{"b":null}]}""")]
    [InlineData("""{"method":"tools/list","id":1,"jsonrpc":"2.0"}""")]
    [InlineData("""  {"jsonrpc":"2.0","id":1,"method":"ping"}  """)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","_meta":{"k":"v"},"extra":[true,false]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":-5,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"","method":"ping"}""")]
    public void TryScan_WellFormedRequest_IsAccepted(string body)
    {
        var message = ScanOne(body);

        Assert.Equal(JsonRpcKind.Request, message.Kind);
    }

    // --- Envelope rules --------------------------------------------------------------------

    [Theory]
    [InlineData("""{"id":1,"method":"ping"}""", "invalid_jsonrpc_version")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"ping"}""", "invalid_jsonrpc_version")]
    [InlineData("""{"jsonrpc":2.0,"id":1,"method":"ping"}""", "invalid_jsonrpc_version")]
    [InlineData("""{"jsonrpc":null,"id":1,"method":"ping"}""", "invalid_jsonrpc_version")]
    [InlineData("""{"jsonrpc":"2.0 ","id":1,"method":"ping"}""", "invalid_jsonrpc_version")]
    [InlineData("""{"jsonrpc":["2.0"],"id":1,"method":"ping"}""", "invalid_jsonrpc_version")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":7}""", "invalid_method")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":null}""", "invalid_method")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":{"name":"ping"}}""", "invalid_method")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":""}""", "invalid_method")]
    [InlineData("""{"jsonrpc":"2.0","method":""}""", "invalid_method")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}""", "invalid_id")]
    [InlineData("""{"jsonrpc":"2.0","id":[1],"method":"ping"}""", "invalid_id")]
    [InlineData("""{"jsonrpc":"2.0","id":true,"method":"ping"}""", "invalid_id")]
    [InlineData("""{"jsonrpc":"2.0","id":false,"result":{}}""", "invalid_id")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"method":"ping"}""", "invalid_id")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}""", "invalid_envelope")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","error":{"code":1,"message":"m"}}""", "invalid_envelope")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":"a"}""", "invalid_params")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":42}""", "invalid_params")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":true}""", "invalid_params")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":null}""", "invalid_params")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":"a"}""", "invalid_params")]
    [InlineData("""{"jsonrpc":"2.0"}""", "missing_method")]
    [InlineData("""{"jsonrpc":"2.0","result":{}}""", "missing_method")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", "invalid_response")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}""", "invalid_response")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":"boom"}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":null}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"message":"m"}}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":1}}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":"1","message":"m"}}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":2}}""", "invalid_error_object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{}}""", "invalid_error_object")]
    public void TryScan_InvalidEnvelope_ReturnsInvalidRequestWithReason(string body, string reason)
    {
        var rejection = ScanFails(body);

        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
    }

    [Fact]
    public void TryScan_InvalidEnvelopeWithReadableId_EchoesTheId()
    {
        var rejection = ScanFails("""{"jsonrpc":"2.0","id":"q-1","method":"ping","params":"a"}""");

        Assert.Equal("\"q-1\"", rejection.IdJson);
    }

    [Fact]
    public void TryScan_NullIdOnRequest_DoesNotEchoAnId()
    {
        var rejection = ScanFails("""{"jsonrpc":"2.0","id":null,"method":"ping"}""");

        Assert.Null(rejection.IdJson);
    }

    // --- JSON syntax and encoding ------------------------------------------------------------

    public static TheoryData<byte[]> MalformedBodies => new()
    {
        Array.Empty<byte>(),
        "   "u8.ToArray(),
        "\r\n"u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"""u8.ToArray(),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\\\""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":[1,2}}"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping"} x"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping"}{"jsonrpc":"2.0","id":2,"method":"ping"}"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping"},"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping"}]"""u8.ToArray(),
        """{'jsonrpc':'2.0','id':1,'method':'ping'}"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping",}"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":01,"method":"ping"}"""u8.ToArray(),
        """{"jsonrpc":"2.0","id":1,"method":"ping"} // comment"""u8.ToArray(),
        """[{"jsonrpc":"2.0","id":1,"method":"ping"}"""u8.ToArray(),
        """[{"jsonrpc":"2.0","id":1,"method":"ping"}] x"""u8.ToArray(),
        "\"abc\" x"u8.ToArray(),
        """tru"""u8.ToArray(),
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void TryScan_MalformedJson_ReturnsParseError(byte[] body)
    {
        var rejection = ScanFails(body, allowBatch: true);

        Assert.Equal(JsonRpcErrorCodes.ParseError, rejection.Code);
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("parse_error", rejection.Reason);
        Assert.Null(rejection.IdJson);
    }

    [Fact]
    public void TryScan_InvalidUtf8InsideString_ReturnsParseError()
    {
        byte[] body = [.. """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"""u8, 0xC3, 0x28, .. "\"}}"u8];

        var rejection = ScanFails(body);

        Assert.Equal(JsonRpcErrorCodes.ParseError, rejection.Code);
    }

    [Fact]
    public void TryScan_InvalidUtf8InsideUnreadMember_ReturnsParseError()
    {
        // The scanner never decodes this member; the whole body must still be UTF-8.
        byte[] body = [.. """{"jsonrpc":"2.0","id":1,"method":"ping","_meta":{"note":"x"""u8, 0xFF, .. "\"}}"u8];

        var rejection = ScanFails(body);

        Assert.Equal(JsonRpcErrorCodes.ParseError, rejection.Code);
    }

    [Fact]
    public void TryScan_ValidMultiByteUtf8_IsAccepted()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"café ☕ 𝄞"}}""");

        Assert.Equal("café ☕ 𝄞", message.Target);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void TryScan_TopLevelNonObject_ReturnsInvalidRequest(string body)
    {
        var rejection = ScanFails(body);

        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal("not_an_object", rejection.Reason);
    }

    [Fact]
    public void TryScan_InvalidEnvelopeFollowedByGarbage_ReturnsParseError()
    {
        // Syntax comes before meaning: a body that is not JSON gets -32700, as for a top-level
        // primitive ("Still read to the end so that a syntax error is reported as one").
        var rejection = ScanFails("""{"jsonrpc":"1.0","id":1,"method":"ping"} garbage""");

        Assert.Equal(JsonRpcErrorCodes.ParseError, rejection.Code);
    }

    [Fact]
    public void TryScan_BatchWithInvalidElementThenTruncated_ReturnsParseError()
    {
        var rejection = ScanFails("""[{"jsonrpc":"1.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,""", allowBatch: true);

        Assert.Equal(JsonRpcErrorCodes.ParseError, rejection.Code);
    }

    // --- Depth ---------------------------------------------------------------------------------

    public static TheoryData<string> DepthShapes => new() { "params", "result", "unknown", "error-data", "batch", "params-array", "params-name", "params-meta", "meta-traceparent" };

    [Theory]
    [MemberData(nameof(DepthShapes))]
    public void TryScan_NestingExactlyAtMaxDepth_IsAccepted(string shape)
    {
        var body = Nested(shape, MaxDepth);

        Assert.True(JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(body), MaxDepth, allowBatch: true, ProtocolVersions.V2025_03_26, out var message, out var rejection),
            $"{shape}: {rejection?.Reason}");
        Assert.NotNull(message);
    }

    [Theory]
    [MemberData(nameof(DepthShapes))]
    public void TryScan_NestingOneBeyondMaxDepth_ReturnsTooDeep(string shape)
    {
        var body = Nested(shape, MaxDepth + 1);

        var rejection = ScanFails(body, allowBatch: true);

        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal("too_deep", rejection.Reason);
        Assert.Contains(MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture), rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DepthShapes))]
    public void TryScan_NestingFarBeyondMaxDepth_ReturnsTooDeep(string shape)
    {
        var body = Nested(shape, MaxDepth * 10);

        var rejection = ScanFails(body, allowBatch: true);

        Assert.Equal("too_deep", rejection.Reason);
    }

    [Fact]
    public void TryScan_DefaultMaxDepth_AcceptsSixtyFourAndRefusesSixtyFive()
    {
        var options = new McpOptions();

        Assert.True(JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(Nested("params", options.MaxJsonDepth)), options.MaxJsonDepth, false, ProtocolVersions.V2025_06_18, out _, out _));
        Assert.False(JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(Nested("params", options.MaxJsonDepth + 1)), options.MaxJsonDepth, false, ProtocolVersions.V2025_06_18, out _, out var rejection));
        Assert.Equal("too_deep", rejection.Reason);
    }

    /// <summary>A valid message whose deepest container sits at nesting level <paramref name="depth"/> (the root object is level 1).</summary>
    private static string Nested(string shape, int depth)
    {
        string Arrays(int count) => new string('[', count) + new string(']', count);
        return shape switch
        {
            // root(1) + params(2) + arrays(3..depth)
            "params" => """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"deep":""" + Arrays(depth - 2) + "}}",
            // root(1) + params array(2) + arrays(3..depth)
            "params-array" => """{"jsonrpc":"2.0","id":1,"method":"ping","params":[""" + Arrays(depth - 2) + "]}",
            // root(1) + params(2) + the name member's object value (3..depth)
            "params-name" => """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"uri":"u","name":""" + Objects(depth - 2) + "}}",
            // root(1) + params(2) + _meta(3) + arrays(4..depth)
            "params-meta" => """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"deep":""" + Arrays(depth - 3) + "}}}",
            // root(1) + params(2) + _meta(3) + the traceparent member's object value (4..depth)
            "meta-traceparent" => """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"traceparent":""" + Objects(depth - 3) + "}}}",
            // root(1) + arrays(2..depth)
            "result" => """{"jsonrpc":"2.0","id":1,"result":""" + Arrays(depth - 1) + "}",
            "unknown" => """{"jsonrpc":"2.0","id":1,"method":"ping","x-extension":""" + Arrays(depth - 1) + "}",
            // root(1) + error(2) + arrays(3..depth)
            "error-data" => """{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m","data":""" + Arrays(depth - 2) + "}}",
            // batch(1) + element(2) + params(3) + arrays(4..depth)
            "batch" => """[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping","params":{"deep":""" + Arrays(depth - 3) + "}}]",
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        static string Objects(int count)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                builder.Append("{\"a\":");
            }

            builder.Append('1');
            builder.Append('}', count);
            return builder.ToString();
        }
    }

    // --- Batches -------------------------------------------------------------------------------

    [Fact]
    public void TryScan_BatchAllowed_ReturnsEveryElementInOrder()
    {
        var body = """[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"echo"}}]""";

        Assert.True(JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(body), MaxDepth, allowBatch: true, ProtocolVersions.V2025_03_26, out var message, out _));

        Assert.True(message.IsBatch);
        var messages = message.Messages.ToArray();
        Assert.Equal(3, messages.Length);
        Assert.Equal(new[] { JsonRpcKind.Request, JsonRpcKind.Notification, JsonRpcKind.Request }, messages.Select(static m => m.Kind));
        Assert.Equal("tools/list", message.First.Method);
        Assert.Equal("echo", messages[2].Target);
        Assert.True(message.HasRequests);
    }

    [Fact]
    public void TryScan_BatchOfResponses_IsAccepted()
    {
        var body = """[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}]""";

        Assert.True(JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(body), MaxDepth, allowBatch: true, ProtocolVersions.V2025_03_26, out var message, out _));

        Assert.All(message.Messages.ToArray(), static m => Assert.Equal(JsonRpcKind.Response, m.Kind));
        Assert.False(message.HasRequests);
    }

    [Fact]
    public void TryScan_SingleMessage_IsNotABatch()
    {
        Assert.True(JsonRpcScanner.TryScan("""{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8, MaxDepth, allowBatch: true, ProtocolVersions.V2025_03_26, out var message, out _));

        Assert.False(message.IsBatch);
        Assert.Equal(1, message.Messages.Length);
        Assert.False(message.HasRequests);
    }

    [Theory]
    [InlineData("[]", "empty_batch")]
    [InlineData("[ ]", "empty_batch")]
    [InlineData("""[1]""", "invalid_batch_element")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},"x"]""", "invalid_batch_element")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},[{"jsonrpc":"2.0","id":2,"method":"ping"}]]""", "invalid_batch_element")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},null]""", "invalid_batch_element")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":1,"result":{}}]""", "mixed_batch")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","method":"notifications/initialized"}]""", "mixed_batch")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"1.0","id":2,"method":"ping"}]""", "invalid_jsonrpc_version")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":{},"method":"ping"}]""", "invalid_id")]
    public void TryScan_BadBatch_ReturnsInvalidRequestWithReason(string body, string reason)
    {
        var rejection = ScanFails(body, allowBatch: true);

        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal(reason, rejection.Reason);
    }

    [Theory]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""")]
    [InlineData("[]")]
    public void TryScan_BatchNotAllowed_ReturnsBatchNotSupported(string body)
    {
        Assert.False(JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(body), MaxDepth, allowBatch: false, ProtocolVersions.V2025_06_18, out var message, out var rejection));

        Assert.Null(message);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal("batch_not_supported", rejection.Reason);
        Assert.Contains(ProtocolVersions.V2025_06_18, rejection.Message, StringComparison.Ordinal);
    }

    // --- Id echo -------------------------------------------------------------------------------

    [Theory]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("7", "7")]
    [InlineData("-12", "-12")]
    [InlineData("1.5e3", "1.5e3")]
    [InlineData("\"a\\\"b\\\\c\\n\"", "\"a\\\"b\\\\c\\n\"")]
    [InlineData("\"\\u00e9\\u20ac\"", "\"\\u00e9\\u20ac\"")]
    [InlineData("\"é€😀\"", "\"é€😀\"")]
    [InlineData("\"</script>\"", "\"</script>\"")]
    public void TryScan_Id_IsKeptExactlyAsItStoodInTheBody(string idJson, string expected)
    {
        var message = ScanOne($$"""{"jsonrpc":"2.0","id":{{idJson}},"method":"ping"}""");

        Assert.Equal(expected, message.IdJson);
        using var document = System.Text.Json.JsonDocument.Parse(message.IdJson!);
        Assert.Equal(expected, document.RootElement.GetRawText());
    }

    // --- Target and method interning -----------------------------------------------------------

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_weather","arguments":{"name":"not this"}}}""", "get_weather")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"params":{"arguments":{"x":1},"name":"late"},"method":"tools/call"}""", "late")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"greet"}}""", "greet")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a.txt"}}""", "file:///a.txt")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"caf\u00e9"}}""", "café")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[]}""", null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call"}""", null)]
    public void TryScan_ParamsNameOrUri_IsTheTarget(string body, string? target)
    {
        var message = ScanOne(body);

        Assert.Equal(target, message.Target);
    }

    [Fact]
    public void TryScan_ResourcesReadWithExtraNameMember_TargetIsTheUri()
    {
        // Mcp-Name mirrors params.uri for resources/read (MCP 2026-07-28 streamable-http); a stray
        // "name" member must not take its place.
        var message = ScanOne("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a.txt","name":"a"}}""");

        Assert.Equal("file:///a.txt", message.Target);
    }

    // --- Trace context in params._meta (semconv gen-ai/mcp.md, SEP-414) --------------------------

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"progressToken":"p","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","tracestate":"a=1"}}}""",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "a=1")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"_meta":{"tracestate":"a=1","x":{"traceparent":"nested"},"traceparent":"tp"}}}""", "tp", "a=1")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"traceparent":7,"tracestate":null}}}""", null, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":"traceparent"}}""", null, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"traceparent":"top-level","arguments":{"_meta":{"traceparent":"in arguments"}}}}""", null, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[{"_meta":{"traceparent":"positional"}}]}""", null, null)]
    public void TryScan_TraceContextInParamsMeta_IsKept_OnlyThere(string body, string? traceparent, string? tracestate)
    {
        var message = ScanOne(body);

        Assert.Equal(traceparent, message.TraceParent);
        Assert.Equal(tracestate, message.TraceState);
    }

    [Fact]
    public void TryScan_TraceContextInParamsMeta_LeavesTheTargetAsItWas()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"name":"not this","traceparent":"tp"},"name":"get_weather"}}""");

        Assert.Equal("get_weather", message.Target);
        Assert.Equal("tp", message.TraceParent);
    }

    public static TheoryData<string> KnownMethods => new()
    {
        McpMethods.Initialize, McpMethods.ToolsCall, McpMethods.ToolsList, McpMethods.ResourcesRead, McpMethods.PromptsGet,
    };

    [Theory]
    [MemberData(nameof(KnownMethods))]
    public void TryScan_KnownMethod_ReturnsTheSharedInstance(string method)
    {
        var message = ScanOne($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}"}""");

        Assert.Same(method, message.Method);
    }

    [Theory]
    [InlineData("ping")]
    [InlineData("notifications/initialized")]
    [InlineData("notifications/cancelled")]
    [InlineData("resources/list")]
    [InlineData("server/discover")]
    [InlineData("subscriptions/listen")]
    public void TryScan_KnownMethodScannedTwice_ReturnsTheSameInstance(string method)
    {
        var body = $$"""{"jsonrpc":"2.0","method":"{{method}}"}""";

        var first = ScanOne(body);
        var second = ScanOne(body);

        Assert.Equal(method, first.Method);
        Assert.Same(first.Method, second.Method);
    }

    [Fact]
    public void TryScan_UnknownMethodScannedTwice_ReturnsEqualStrings()
    {
        var body = """{"jsonrpc":"2.0","method":"vendor/custom"}""";

        var first = ScanOne(body);
        var second = ScanOne(body);

        Assert.Equal(first.Method, second.Method);
        Assert.NotSame(first.Method, second.Method);
    }

    [Fact]
    public void TryScan_EscapedKnownMethod_ReturnsAnEqualString()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":1,"method":"tools\/call"}""");

        Assert.Equal(McpMethods.ToolsCall, message.Method);
    }

    [Fact]
    public void TryScan_UnknownMethod_ReturnsItsText()
    {
        var message = ScanOne("""{"jsonrpc":"2.0","id":1,"method":"vendor/custom"}""");

        Assert.Equal("vendor/custom", message.Method);
    }

    // --- Helpers -------------------------------------------------------------------------------

    private static JsonRpcMessage ScanOne(string body)
    {
        var ok = JsonRpcScanner.TryScan(Encoding.UTF8.GetBytes(body), MaxDepth, allowBatch: false, ProtocolVersions.V2025_06_18, out var message, out var rejection);

        Assert.True(ok, $"expected success, got {rejection?.Reason}: {rejection?.Message}");
        Assert.Null(rejection);
        Assert.NotNull(message);
        Assert.False(message.IsBatch);
        return message.First;
    }

    private static McpRejection ScanFails(string body, bool allowBatch = false) => ScanFails(Encoding.UTF8.GetBytes(body), allowBatch);

    private static McpRejection ScanFails(byte[] body, bool allowBatch = false)
    {
        var ok = JsonRpcScanner.TryScan(body, MaxDepth, allowBatch, ProtocolVersions.V2025_03_26, out var message, out var rejection);

        Assert.False(ok, "expected a rejection");
        Assert.Null(message);
        Assert.NotNull(rejection);
        return rejection;
    }
}
