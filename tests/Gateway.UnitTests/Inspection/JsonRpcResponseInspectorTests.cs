using System.Text;
using Gateway.Inspection;
using static Gateway.UnitTests.Inspection.RecordingObserver;

namespace Gateway.UnitTests.Inspection;

public sealed class JsonRpcResponseInspectorTests
{
    // --- Message bodies (each JSON text on one line, so it can stand in one SSE data line) ---------------

    private const string Result = """{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"soql","inputSchema":{"type":"object"}}]}}""";
    private const string Error = """{"jsonrpc":"2.0","id":"req-7","error":{"code":-32602,"message":"Invalid params: {\"x\"}","data":{"code":99}}}""";
    private const string ToolFailed = """{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"INVALID_FIELD"}],"isError":true}}""";
    private const string ToolSucceeded = """{"jsonrpc":"2.0","id":3,"result":{"isError":false,"content":[{"type":"text","text":"ok"}]}}""";
    private const string Progress = """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t1","progress":50,"total":100}}""";
    private const string ServerRequest = """{"jsonrpc":"2.0","id":"srv-1","method":"elicitation/create","params":{"message":"Which org?","id":9}}""";

    // Members named id, method, error, result, code and isError below the levels that count.
    private const string Decoys = """{"jsonrpc":"2.0","result":{"content":[{"id":99,"method":"evil","error":{"code":1},"isError":true,"result":{"isError":true}}],"structuredContent":{"id":"deep","error":{"code":5},"nested":{"isError":true}},"code":3},"params":{"method":"x","id":5},"id":4}""";
    private const string DecoySiblings = """{"jsonrpc":"2.0","id":9,"result":{"content":[]},"_meta":{"isError":true,"code":5},"error":{"code":-1},"data":{"code":2}}""";
    private const string DecoyError = """{"error":{"data":{"code":1,"isError":true},"message":"m","code":-32001},"id":5,"jsonrpc":"2.0","result2":{"isError":true}}""";

    // Quotes, braces and backslashes inside strings, in the id and in content.
    private const string Escapes = """{"jsonrpc":"2.0","id":"q\"}{[\\","result":{"content":[{"type":"text","text":"a \"}\" b \\\"{ c \\\\ d ]} \/ \b\f\n\r\t"}],"isError":false}}""";

    // Escaped member names and values, raw UTF-8 and surrogate pairs.
    private const string UnicodeNotification = """{"jsonrpc":"2.0","\u006dethod":"notifications/\u0070rogress","params":{"message":"é€😀 \ud83d\ude00 \u0022}"}}""";
    private const string UnicodeResult = """{"jsonrpc":"2.0","\u0069d":"\u00e9\ud83d\ude00é","result":{"\u0069s\u0045rror":true,"text":"日本語"}}""";

    private const string Numbers = """{"jsonrpc":"2.0","id":-1.5e+3,"error":{"code":-32000,"message":"x","data":[0,-0.0,1E5,2e-3,10.25E+10,true,false,null,[],{}]}}""";
    private const string FractionalCode = """{"jsonrpc":"2.0","id":0,"error":{"code":1.5,"message":"x"}}""";
    private const string NullId = """{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""";
    private const string IsErrorNotBoolean = """{"jsonrpc":"2.0","id":6,"result":{"isError":"true"}}""";
    private const string DuplicateMembers = """{"jsonrpc":"2.0","id":1,"id":"second","result":{"isError":true},"result":{"content":[]}}""";
    private const string Empty = """{}""";
    private const string NoMethodNoResult = """{"jsonrpc":"2.0","id":8}""";
    private const string MethodNotString = """{"jsonrpc":"2.0","id":1,"method":5}""";

    private const string Pretty = "{\r\n\t\"jsonrpc\" : \"2.0\" ,\r\n\t\"id\" : 11 ,\r\n\t\"result\" : {\r\n\t\t\"isError\" : false\r\n\t}\r\n}";
    private const string Malformed = """{"jsonrpc":"2.0","id":1,"result":{]}""";
    private const string Truncated = """{"jsonrpc":"2.0","id":12,"result":{"content":[{"type":"text","text":"cut here""";

    // tools/list results: result.tools[*] with name and annotations.readOnlyHint, in any order, among decoys (the
    // same names in an inputSchema, a nested array, a tool without a name, a hint that is no boolean).
    private const string ToolsListed = """{"jsonrpc":"2.0","id":2,"result":{"tools":[{"annotations":{"title":"Query","readOnlyHint":true},"name":"soqlQuery","inputSchema":{"type":"object","properties":{"name":{"type":"string"},"annotations":{"readOnlyHint":true}}}},{"name":"createRecord","annotations":{"readOnlyHint":false,"destructiveHint":true}},{"name":"noAnnotations","description":"x"},{"name":"hintNotBoolean","annotations":{"readOnlyHint":"true"}},{"name":"lastAnnotationsWin","annotations":{"readOnlyHint":true},"annotations":{"title":"t"}},{"name":"first","name":"lastNameWins"},{"annotations":{"readOnlyHint":true}},{"name":5},[{"name":"inAnArray"}],"notAnObject"],"nextCursor":"c2"}}""";
    private const string ToolsEscaped = """{"jsonrpc":"2.0","\u0069d":3,"result":{"t\u006fols":[{"n\u0061me":"a\u002Fb\u00e9","\u0061nnotations":{"re\u0061dOnly\u0048int":true}}]}}""";
    private const string ToolsDecoys = """{"jsonrpc":"2.0","tools":[{"name":"top"}],"result":{"content":[{"tools":[{"name":"inContent","annotations":{"readOnlyHint":true}}]}],"_meta":{"tools":[{"name":"inMeta"}]},"structuredContent":{"tools":[{"name":"inStructured"}]}},"params":{"tools":[{"name":"inParams"}]},"id":4}""";
    private const string ToolsInError = """{"jsonrpc":"2.0","id":5,"error":{"code":-32603,"message":"m","tools":[{"name":"inError"}]}}""";
    private const string ToolsNotAnArray = """{"jsonrpc":"2.0","id":6,"result":{"tools":{"name":"object"}}}""";
    private const string ToolsEmpty = """{"jsonrpc":"2.0","id":7,"result":{"tools":[]}}""";
    private const string ToolsTwice = """{"jsonrpc":"2.0","id":8,"result":{"tools":[{"name":"fromFirstList"}],"tools":[{"name":"fromLastList","annotations":{"readOnlyHint":true}}]}}""";
    private const string ToolsInRequest = """{"jsonrpc":"2.0","id":9,"method":"x/y","result":{"tools":[{"name":"inRequest"}]}}""";

    private static readonly InspectedMessage s_result = Response(Result, "1", tools: Tools(("soql", false)));
    private static readonly string s_batch = $"[{Result}, {Error},\n {Progress}]";
    private static readonly string s_mixedBatch = $"[1, \"x\", {Result}, [], {{\"a\":[]}}]";

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        // Plain JSON bodies.
        ["json result"] = Json(Result, s_result),
        ["json error -32602"] = Json(Error, Response(Error, "\"req-7\"", code: -32602)),
        ["json tools/call isError true"] = Json(ToolFailed, Response(ToolFailed, "2", isError: true)),
        ["json tools/call isError false"] = Json(ToolSucceeded, Response(ToolSucceeded, "3", isError: false)),
        ["json server request"] = Json(ServerRequest, Message(InspectedKind.Request, ServerRequest, "\"srv-1\"", "elicitation/create")),
        ["json notification"] = Json(Progress, Message(InspectedKind.Notification, Progress, method: "notifications/progress")),
        ["json decoys at deeper levels"] = Json(Decoys, Response(Decoys, "4")),
        ["json decoys in objects after result and error"] = Json(DecoySiblings, Response(DecoySiblings, "9", code: -1)),
        ["json decoys in error"] = Json(DecoyError, Response(DecoyError, "5", code: -32001)),
        ["json escaped quotes and braces"] = Json(Escapes, Response(Escapes, "\"q\\\"}{[\\\\\"", isError: false)),
        ["json unicode escapes in names"] = Json(UnicodeNotification, Message(InspectedKind.Notification, UnicodeNotification, method: "notifications/progress")),
        ["json unicode escapes in id"] = Json(UnicodeResult, Response(UnicodeResult, "\"\\u00e9\\ud83d\\ude00é\"", isError: true)),
        ["json numbers"] = Json(Numbers, Response(Numbers, "-1.5e+3", code: -32000)),
        ["json fractional error code"] = Json(FractionalCode, Response(FractionalCode, "0")),
        ["json null id"] = Json(NullId, Response(NullId, code: -32700)),
        ["json isError not boolean"] = Json(IsErrorNotBoolean, Response(IsErrorNotBoolean, "6")),
        ["json duplicate members, last wins"] = Json(DuplicateMembers, Response(DuplicateMembers, "\"second\"")),
        ["json pretty printed"] = Json(Pretty, Response(Pretty, "11", isError: false)),
        ["json surrounding whitespace"] = Json($" \r\n\t{Result}\r\n ", s_result),
        ["json byte order mark"] = Json($"\uFEFF{Result}", s_result),
        ["json batch"] = Json(s_batch, s_result, Response(Error, "\"req-7\"", code: -32602), Message(InspectedKind.Notification, Progress, method: "notifications/progress")),
        ["json batch with non-objects"] = Json(s_mixedBatch, Invalid(1), Invalid(3), s_result, Invalid(2), Message(InspectedKind.Invalid, "{\"a\":[]}")),
        ["json empty batch"] = Json(" [ ] ", Invalid(3)),
        ["json string root"] = Json("\"hello\"", Invalid(7)),
        ["json number root"] = Json("42", Invalid(2)),
        ["json empty object"] = Json(Empty, Invalid(2)),
        ["json neither method nor result"] = Json(NoMethodNoResult, Message(InspectedKind.Invalid, NoMethodNoResult, "8")),
        ["json method not a string"] = Json(MethodNotString, Message(InspectedKind.Invalid, MethodNotString, "1")),
        ["json malformed"] = Json(Malformed, Invalid(Malformed.Length, "1")),
        ["json truncated"] = Json(Truncated, Invalid(Truncated.Length, "12")),
        ["json trailing garbage"] = Json($"{Result} x", Invalid(Result.Length + 2)),
        ["json two values"] = Json($"{Result}{Result}", Invalid(Result.Length * 2)),
        ["json empty body"] = Json(""),
        ["json whitespace body"] = Json(" \r\n"),
        ["json raw control character in string"] = Json("{\"id\":1,\"result\":\"a\u0001\"}", Invalid("{\"id\":1,\"result\":\"a\u0001\"}".Length, "1")),
        ["json bad escape"] = Json("""{"id":1,"result":"\x"}""", Invalid(22, "1")),
        ["json bad literal"] = Json("""{"id":1,"result":{"isError":tru}}""", Invalid(33, "1")),
        // The id 0 was read before the stray 1 broke the text.
        ["json number without fraction digits"] = Json("""{"id":1,"result":{"a":1.}}""", Invalid(26, "1")),
        ["json minus without digits"] = Json("""{"id":1,"result":{"a":-}}""", Invalid(25, "1")),
        ["json root number cut short"] = Json("-", Invalid(1)),
        ["json root number at end of body"] = Json("-0.5e3", Invalid(6)),
        ["json leading zero"] = Json("""{"id":01,"result":{}}""", Invalid(21, "0")),

        // tools/list results.
        ["json tools/list with annotations"] = Json(ToolsListed, Response(ToolsListed, "2", tools: Tools(
            ("soqlQuery", true), ("createRecord", false), ("noAnnotations", false), ("hintNotBoolean", false), ("lastAnnotationsWin", false), ("lastNameWins", false)))),
        ["json tools/list with escaped names"] = Json(ToolsEscaped, Response(ToolsEscaped, "3", tools: Tools(("a/bé", true)))),
        ["json tools arrays outside result.tools"] = Json(ToolsDecoys, Response(ToolsDecoys, "4")),
        ["json tools in an error"] = Json(ToolsInError, Response(ToolsInError, "5", code: -32603)),
        ["json tools not an array"] = Json(ToolsNotAnArray, Response(ToolsNotAnArray, "6")),
        ["json tools empty"] = Json(ToolsEmpty, Response(ToolsEmpty, "7")),
        ["json tools twice, last wins"] = Json(ToolsTwice, Response(ToolsTwice, "8", tools: Tools(("fromLastList", true)))),
        ["json tools in a request"] = Json(ToolsInRequest, Message(InspectedKind.Request, ToolsInRequest, "9", "x/y")),
        ["json tools/list in a batch"] = Json($"[{ToolsEscaped},{ToolsEmpty}]", Response(ToolsEscaped, "3", tools: Tools(("a/bé", true))), Response(ToolsEmpty, "7")),

        // SSE bodies.
        ["sse one event"] = Sse($"event: message\ndata: {ToolFailed}\n\n", Response(ToolFailed, "2", isError: true)),
        ["sse several events"] = Sse($"data: {Progress}\n\ndata: {ServerRequest}\n\nevent: message\ndata: {ToolSucceeded}\n\n",
            Message(InspectedKind.Notification, Progress, method: "notifications/progress"),
            Message(InspectedKind.Request, ServerRequest, "\"srv-1\"", "elicitation/create"),
            Response(ToolSucceeded, "3", isError: false)),
        ["sse multi-line data"] = Sse("data: {\"jsonrpc\":\"2.0\",\ndata: \"id\":5,\ndata:\"result\":{\"isError\":false}}\n\n",
            Response("{\"jsonrpc\":\"2.0\",\n\"id\":5,\n\"result\":{\"isError\":false}}", "5", isError: false)),
        ["sse multi-line data with a comment between lines"] = Sse("data: {\"id\":5,\n: note\ndata: \"result\":{}}\n\n", Response("{\"id\":5,\n\"result\":{}}", "5")),
        ["sse CRLF"] = Sse($"id: 1\r\ndata: {Progress}\r\n\r\nid: 2\r\ndata: {Error}\r\n\r\n",
            Message(InspectedKind.Notification, Progress, method: "notifications/progress"), Response(Error, "\"req-7\"", code: -32602)),
        ["sse CR"] = Sse($"id: 1\rdata: {Progress}\r\rdata: {{\"id\":7,\rdata: \"result\":{{}}}}\r\r",
            Message(InspectedKind.Notification, Progress, method: "notifications/progress"), Response("{\"id\":7,\n\"result\":{}}", "7")),
        ["sse mixed line endings"] = Sse($"data: {{\"id\":7,\r\ndata: \"result\"\rdata: :{{}}}}\n\r\ndata: {Result}\r\r",
            Response("{\"id\":7,\n\"result\"\n:{}}", "7"), s_result),
        ["sse comments and keep-alives"] = Sse($": stream open\n\n: keep-alive\n\ndata: {Progress}\n\n:keep-alive\n\n:\n\ndata: {Result}\n\n: keep-alive\n\n",
            Message(InspectedKind.Notification, Progress, method: "notifications/progress"), s_result),
        ["sse retry, id and other fields"] = Sse($"retry: 3000\nid: evt-42\nevent: message\nfoo: bar\ndatas: x\nData: x\ndata: {Result}\nid: evt-43\n\n",
            s_result),
        ["sse other event type still inspected"] = Sse($"event: notification\ndata: {Progress}\n\n", Message(InspectedKind.Notification, Progress, method: "notifications/progress")),
        ["sse priming event ignored"] = Sse($"id: 0\nretry: 1000\ndata: \n\nid: 0\ndata:\n\nevent: endpoint\n\ndata\n\nid: 1\ndata: {Result}\n\n", s_result),
        ["sse final event without blank line"] = Sse($"data: {Result}\n\ndata: {Error}\n", s_result),
        ["sse final event without line end"] = Sse($"data: {Result}\n\ndata: {Error}", s_result),
        ["sse final event ended by CR only"] = Sse($"data: {Result}\n\ndata: {Error}\r", s_result),
        ["sse final event ended by one blank CR"] = Sse($"data: {Result}\r\r", s_result),
        ["sse no space after colon"] = Sse($"data:{Result}\n\n", s_result),
        ["sse two spaces after colon"] = Sse($"data:  {Result}\n\n", s_result),
        ["sse data line without colon"] = Sse($"data\ndata: {Result}\n\n", s_result),
        ["sse batch in one event"] = Sse($"data: [{Result},{Error}]\n\n", s_result, Response(Error, "\"req-7\"", code: -32602)),
        ["sse malformed event then valid event"] = Sse($"data: {Malformed}\n\ndata: {Result}\n\n", Invalid(Malformed.Length, "1"), s_result),
        ["sse truncated event then valid event"] = Sse($"data: {Truncated}\n\ndata: {Result}\n\n", Invalid(Truncated.Length, "12"), s_result),
        ["sse two messages in one event"] = Sse($"data: {Result}\ndata: {Result}\n\n", Invalid((Result.Length * 2) + 1)),
        ["sse string split over data lines"] = Sse("data: {\"id\":1,\"result\":\"a\ndata: b\"}\n\ndata: {\"id\":2,\"result\":{}}\n\n",
            Invalid("{\"id\":1,\"result\":\"a\nb\"}".Length, "1"), Response("{\"id\":2,\"result\":{}}", "2")),
        ["sse whitespace-only data"] = Sse("data:\ndata:\n\ndata:  \n\n", Invalid(1), Invalid(1)),
        ["sse string data"] = Sse("data: \"hello\"\n\n", Invalid(7)),
        ["sse byte order mark"] = Sse($"\uFEFFdata: {Result}\n\n", s_result),
        ["sse unicode"] = Sse($"data: {UnicodeResult}\n\n", Response(UnicodeResult, "\"\\u00e9\\ud83d\\ude00é\"", isError: true)),
        ["sse empty stream"] = Sse(""),
        ["sse only keep-alives"] = Sse(": keep-alive\n\n: keep-alive\n\n"),
        ["sse tools/list"] = Sse($"event: message\ndata: {ToolsListed}\n\n", Response(ToolsListed, "2", tools: Tools(
            ("soqlQuery", true), ("createRecord", false), ("noAnnotations", false), ("hintNotBoolean", false), ("lastAnnotationsWin", false), ("lastNameWins", false)))),
    };

    public static TheoryData<string> CaseNames => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Feed_WholeBodyInOneChunk_ReportsExpectedMessages(string name)
    {
        var (isEventStream, body, expected) = s_cases[name];

        var actual = InspectWhole(isEventStream, body);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Feed_ByteByByte_ReportsExpectedMessages(string name)
    {
        var (isEventStream, body, expected) = s_cases[name];

        var actual = InspectByteByByte(isEventStream, body);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Feed_SplitInTwoAtEveryPosition_ReportsExpectedMessages(string name)
    {
        var (isEventStream, body, expected) = s_cases[name];
        for (var split = 0; split <= body.Length; split++)
        {
            var actual = Inspect(isEventStream, body, [new Range(0, split), new Range(split, body.Length)]);

            Assert.True(expected.SequenceEqual(actual), $"split at {split}:{Environment.NewLine}{Describe(actual)}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Feed_SplitInThreeAtEveryPair_ReportsExpectedMessages(string name)
    {
        var (isEventStream, body, expected) = s_cases[name];
        // Every pair for short bodies; a stride keeps the longer ones fast and still crosses every kind of token.
        var stride = body.Length <= 160 ? 1 : 7;
        for (var first = 0; first <= body.Length; first += stride)
        {
            for (var second = first; second <= body.Length; second += stride)
            {
                var actual = Inspect(isEventStream, body, [new Range(0, first), new Range(first, second), new Range(second, body.Length)]);

                Assert.True(expected.SequenceEqual(actual), $"splits at {first},{second}:{Environment.NewLine}{Describe(actual)}");
            }
        }
    }

    // --- When messages are reported -------------------------------------------------------------------------------

    [Fact]
    public void Feed_EventStream_ReportsEachEventWhenItsBlankLineArrives()
    {
        var observer = new RecordingObserver();
        var inspector = new JsonRpcResponseInspector(isEventStream: true, observer);

        inspector.Feed(Encoding.UTF8.GetBytes($"data: {Progress}\n"));
        Assert.Empty(observer.Messages);

        inspector.Feed("\n"u8);
        Assert.Single(observer.Messages);

        inspector.Feed(Encoding.UTF8.GetBytes($"data: {Result}\n\n"));
        Assert.Equal(2, observer.Messages.Count);
    }

    [Fact]
    public void Feed_JsonBody_ReportsNothingUntilComplete()
    {
        var observer = new RecordingObserver();
        var inspector = new JsonRpcResponseInspector(isEventStream: false, observer);

        inspector.Feed(Encoding.UTF8.GetBytes(Result));
        Assert.Empty(observer.Messages);

        inspector.Complete();
        Assert.Equal(new[] { s_result }, observer.Messages);
    }

    [Fact]
    public void Complete_CalledTwice_ReportsOnce_AndLaterFeedsAreIgnored()
    {
        var observer = new RecordingObserver();
        var inspector = new JsonRpcResponseInspector(isEventStream: false, observer);
        inspector.Feed(Encoding.UTF8.GetBytes(Result));

        inspector.Complete();
        inspector.Complete();
        inspector.Feed(Encoding.UTF8.GetBytes(Result));

        Assert.Single(observer.Messages);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF }, 1)]
    [InlineData(new byte[] { 0xEF, 0xBB }, 2)]
    [InlineData(new byte[] { 0xEF, 0x41 }, 2)]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF }, 1)]
    public void Complete_BodyThatOnlyLooksLikeAByteOrderMark_IsInvalidJson(byte[] body, long expectedBytes)
    {
        Assert.Equal(new[] { Invalid(expectedBytes) }, InspectWhole(false, body));
        Assert.Equal(new[] { Invalid(expectedBytes) }, InspectByteByByte(false, body));
    }

    // --- Limits ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Feed_IdAndMethodAtTheTrackingLimit_AreCaptured()
    {
        var id = new string('i', 256);
        var method = new string('m', 256);
        var body = $$"""{"jsonrpc":"2.0","id":"{{id}}","method":"{{method}}"}""";

        var message = Assert.Single(InspectWhole(false, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(new InspectedMessage(InspectedKind.Request, $"\"{id}\"", method, null, null, body.Length), message);
    }

    [Fact]
    public void Feed_IdAndMethodOverTheTrackingLimit_AreNotCaptured_ButStillDecideTheKind()
    {
        var body = $$"""{"jsonrpc":"2.0","id":"{{new string('i', 257)}}","method":"{{new string('m', 257)}}"}""";

        var message = Assert.Single(InspectWhole(false, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(new InspectedMessage(InspectedKind.Request, null, null, null, null, body.Length), message);
    }

    [Theory]
    [InlineData("""{"id":1234,"result":{}}""", "1234")]
    [InlineData("""{"id":12345,"result":{}}""", null)]
    [InlineData("""{"id":"abcd","result":{}}""", "\"abcd\"")]
    [InlineData("""{"id":"abcde","result":{}}""", null)]
    [InlineData("""{"id":"\"","result":{}}""", "\"\\\"\"")]
    public void Feed_SmallTrackingLimit_AppliesToTheRawText(string body, string? expectedId)
    {
        var message = Assert.Single(InspectWhole(false, Encoding.UTF8.GetBytes(body), maxTrackedStringBytes: 4));

        Assert.Equal(expectedId, message.IdJson);
    }

    [Theory]
    [InlineData(JsonRpcMessageScanner.MaxDepth - 2, true)]
    [InlineData(JsonRpcMessageScanner.MaxDepth - 1, false)]
    [InlineData(100_000, false)]
    public void Feed_DeepNesting_IsInvalidBeyondTheLimit(int arrays, bool expectedValid)
    {
        // The message object and its result object take two levels.
        var body = Encoding.UTF8.GetBytes("{\"id\":1,\"result\":{\"a\":" + new string('[', arrays) + new string(']', arrays) + "}}");

        var message = Assert.Single(InspectWhole(false, body));

        Assert.Equal(expectedValid ? InspectedKind.Response : InspectedKind.Invalid, message.Kind);
        Assert.Equal("1", message.IdJson);
    }

    [Fact]
    public void Feed_BatchLongerThanTheHoldCapacity_ReportsEveryMessageInOrder()
    {
        var elements = Enumerable.Range(1, 40).Select(i => $$$"""{"jsonrpc":"2.0","id":{{{i}}},"result":{}}""").ToArray();
        var body = Encoding.UTF8.GetBytes($"[{string.Join(',', elements)}]");

        var actual = InspectByteByByte(false, body);

        Assert.Equal(elements.Select((e, i) => Response(e, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))), actual);
    }

    [Fact]
    public void Feed_ToolNameOverTheTrackingLimit_IsNotDeclared_TheOthersAre()
    {
        var body = """{"id":1,"result":{"tools":[{"name":"abcde","annotations":{"readOnlyHint":true}},{"name":"abcd","annotations":{"readOnlyHint":true}}]}}""";

        var message = Assert.Single(InspectWhole(false, Encoding.UTF8.GetBytes(body), maxTrackedStringBytes: 4));

        Assert.Equal(Tools(("abcd", true)), message.Tools);
    }

    [Fact]
    public void Feed_ToolsListLongerThanTheCapacity_KeepsTheFirstOnes()
    {
        var tools = Enumerable.Range(0, DeclaredTools.Capacity + 50).Select(static i => $$$"""{"name":"t{{{i}}}","annotations":{"readOnlyHint":true}}""");
        var body = Encoding.UTF8.GetBytes($$$"""{"id":1,"result":{"tools":[{{{string.Join(',', tools)}}}]}}""");

        var message = Assert.Single(InspectWhole(false, body));

        Assert.Equal(DeclaredTools.Capacity, message.Tools!.Items.Count);
        Assert.Equal(new DeclaredTool("t0", true), message.Tools.Items[0]);
        Assert.Equal(new DeclaredTool($"t{DeclaredTools.Capacity - 1}", true), message.Tools.Items[^1]);
    }

    [Fact]
    public void Constructor_NonPositiveLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JsonRpcResponseInspector(false, new RecordingObserver(), 0));
    }

    // --- Helpers ---------------------------------------------------------------------------------------------------

    internal sealed record Case(bool IsEventStream, byte[] Body, InspectedMessage[] Expected);

    private static Case Json(string body, params InspectedMessage[] expected) => new(false, Encoding.UTF8.GetBytes(body), expected);

    private static Case Sse(string body, params InspectedMessage[] expected) => new(true, Encoding.UTF8.GetBytes(body), expected);

    private static InspectedMessage Response(string json, string? id = null, int? code = null, bool? isError = null, DeclaredTools? tools = null) =>
        new(InspectedKind.Response, id, null, code, isError, Encoding.UTF8.GetByteCount(json), tools);

    private static DeclaredTools Tools(params (string Name, bool ReadOnlyHint)[] tools) =>
        new(tools.Select(static t => new DeclaredTool(t.Name, t.ReadOnlyHint)));

    private static InspectedMessage Message(InspectedKind kind, string json, string? id = null, string? method = null) =>
        new(kind, id, method, null, null, Encoding.UTF8.GetByteCount(json));

    private static InspectedMessage Invalid(long bytes, string? id = null) => new(InspectedKind.Invalid, id, null, null, null, bytes);
}
