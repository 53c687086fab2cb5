using System.Text;
using System.Text.Json;
using Gateway.Inspection;
using static Gateway.UnitTests.Inspection.RecordingObserver;

namespace Gateway.UnitTests.Inspection;

/// <summary>
/// Mutated and random bodies: the inspector must agree with <see cref="JsonDocument"/> on what is well-formed
/// JSON and what the messages hold, report the same whatever the chunking, and never throw.
/// </summary>
public sealed class JsonRpcResponseInspectorFuzzTests
{
    private const int MaxTracked = 16;

    // ASCII only, so that the oracle and the inspector cannot differ on UTF-8 validation, which the inspector leaves out.
    private static readonly string[] s_seeds =
    [
        """{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}],"isError":false}}""",
        """{"jsonrpc":"2.0","id":"a-1","error":{"code":-32602,"message":"Invalid params","data":{"code":1}}}""",
        """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":7,"progress":0.5e1}}""",
        """{"jsonrpc":"2.0","id":"q\"\\","method":"sampling/createMessage","params":{"messages":[]}}""",
        """[{"id":1,"result":{"isError":true}},{"id":2,"error":{"code":7}},{"method":"ping","id":3}]""",
        """{"\u0069d":-12.5E-3,"result":{"is\u0045rror":false,"nested":{"isError":true}},"error":null}""",
        """{"id":null,"method":"x\u002fy","params":[true,false,null,{"a":[1,[2,[3]]]}]}""",
        """ [ {"result":{}} , 1 , [] , "s" ] """,
        "{\n\t\"id\" : 5 ,\n\t\"result\" : { \"isError\" : true }\n}",
    ];

    private static readonly byte[] s_alphabet = Encoding.ASCII.GetBytes("{}[]:,\"\\ -+.eE0123456789tfnrulasxidIE\t\n/\u0001");

    [Fact]
    public void Feed_MutatedJsonBodies_AgreeWithJsonDocument_WhateverTheChunking()
    {
        var random = new Random(4242);
        var (wellFormed, malformedCount) = (0, 0);
        for (var iteration = 0; iteration < 6000; iteration++)
        {
            var body = Mutate(Encoding.ASCII.GetBytes(s_seeds[iteration % s_seeds.Length]), random);
            if (!TryReference(body, out var expected, out var malformed))
            {
                continue;
            }

            _ = malformed ? malformedCount++ : wellFormed++;

            var whole = InspectWhole(false, body, MaxTracked);
            AssertAgrees(expected, malformed, body.Length, whole, $"iteration {iteration}: {Escape(Encoding.ASCII.GetString(body))}");
            Assert.Equal(whole, Inspect(false, body, RandomPieces(body.Length, random), MaxTracked));
        }

        // Both sides of the oracle were exercised.
        Assert.True(wellFormed > 1000 && malformedCount > 1000, $"{wellFormed} well-formed, {malformedCount} malformed");
    }

    [Fact]
    public void Feed_MutatedBodiesAsSseData_AgreeWithJsonDocument_WhateverTheChunking()
    {
        var random = new Random(2424);
        var (wellFormed, malformedCount) = (0, 0);
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var json = Mutate(Encoding.ASCII.GetBytes(s_seeds[iteration % s_seeds.Length]), random);
            if (!TryReference(json, out var expected, out var malformed))
            {
                continue;
            }

            _ = malformed ? malformedCount++ : wellFormed++;

            // Every LF of the JSON becomes the joiner between two data lines, so the event's data is the JSON text.
            var text = Encoding.ASCII.GetString(json);
            var body = Encoding.ASCII.GetBytes($": keep-alive\n\nid: {iteration}\ndata: {text.Replace("\n", "\ndata: ", StringComparison.Ordinal)}\r\n\r\n");
            if (json.Length > 0 && expected.Count == 0 && !malformed)
            {
                // Data of whitespace only: a dispatched event without JSON.
                expected = [new InspectedMessage(InspectedKind.Invalid, null, null, null, null, json.Length)];
            }

            var whole = Inspect(true, body, [Range.All], MaxTracked);
            AssertAgrees(expected, malformed, json.Length, whole, $"iteration {iteration}: {Escape(Encoding.ASCII.GetString(body))}");
            Assert.Equal(whole, Inspect(true, body, RandomPieces(body.Length, random), MaxTracked));
        }

        Assert.True(wellFormed > 500 && malformedCount > 500, $"{wellFormed} well-formed, {malformedCount} malformed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Feed_RandomBytes_NeverThrow_AndDoNotDependOnChunking(bool isEventStream)
    {
        var random = new Random(isEventStream ? 7 : 8);
        // Bytes that steer both state machines, plus arbitrary ones (invalid UTF-8 included).
        var interesting = Encoding.ASCII.GetBytes("data: \r\n\n\r:{}[]\",\\u0a-1e.tfn ");
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var body = new byte[random.Next(0, 200)];
            for (var i = 0; i < body.Length; i++)
            {
                body[i] = random.Next(4) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
            }

            var whole = InspectWhole(isEventStream, body);

            Assert.Equal(whole, InspectByteByByte(isEventStream, body));
            Assert.Equal(whole, Inspect(isEventStream, body, RandomPieces(body.Length, random)));
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(0, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count + 1);
            var replacement = s_alphabet[random.Next(s_alphabet.Length)];
            switch (random.Next(3))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = replacement;
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, replacement);
                    break;
            }
        }

        return [.. bytes];
    }

    private static List<Range> RandomPieces(int length, Random random)
    {
        var pieces = new List<Range>();
        var start = 0;
        while (start < length)
        {
            var end = Math.Min(length, start + random.Next(0, 9));
            pieces.Add(new Range(start, end));
            start = end;
        }

        return pieces;
    }

    /// <summary>
    /// What the inspector should report for a JSON body, read with a DOM: each message (duplicate members: the last
    /// one counts). <paramref name="malformed"/> when the body is not well-formed JSON. False when the oracle itself
    /// cannot decide (a name that is no valid UTF-16).
    /// </summary>
    private static bool TryReference(byte[] body, out List<InspectedMessage> expected, out bool malformed)
    {
        expected = [];
        malformed = false;
        if (body.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            // No JSON value at all.
            return true;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = JsonRpcMessageScanner.MaxDepth });
        }
        catch (JsonException)
        {
            malformed = true;
            return true;
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    if (root.GetArrayLength() == 0)
                    {
                        expected.Add(new InspectedMessage(InspectedKind.Invalid, null, null, null, null, Size(root)));
                    }

                    foreach (var element in root.EnumerateArray())
                    {
                        expected.Add(ReferenceMessage(element));
                    }
                }
                else
                {
                    expected.Add(ReferenceMessage(root));
                }

                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    private static void AssertAgrees(List<InspectedMessage> expected, bool malformed, long size, List<InspectedMessage> actual, string context)
    {
        if (malformed)
        {
            // One Invalid of the whole text's size; it may keep the id and method read before the break, which the DOM cannot tell.
            Assert.True(actual is [{ Kind: InspectedKind.Invalid, ErrorCode: null, IsError: null } invalid] && invalid.Bytes == size,
                $"{context}{Environment.NewLine}expected one Invalid of {size} bytes, actual:{Environment.NewLine}{Describe(actual)}");
            return;
        }

        Assert.True(expected.SequenceEqual(actual),
            $"{context}{Environment.NewLine}expected:{Environment.NewLine}{Describe(expected)}{Environment.NewLine}actual:{Environment.NewLine}{Describe(actual)}");
    }

    private static InspectedMessage ReferenceMessage(JsonElement element)
    {
        var bytes = Size(element);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new InspectedMessage(InspectedKind.Invalid, null, null, null, null, bytes);
        }

        JsonElement? id = null, method = null, result = null, error = null;
        foreach (var member in element.EnumerateObject())
        {
            if (member.NameEquals("id"u8))
            {
                id = member.Value;
            }
            else if (member.NameEquals("method"u8))
            {
                method = member.Value;
            }
            else if (member.NameEquals("result"u8))
            {
                result = member.Value;
            }
            else if (member.NameEquals("error"u8))
            {
                error = member.Value;
            }
        }

        var kind = method is { } m
            ? m.ValueKind != JsonValueKind.String ? InspectedKind.Invalid : id is null ? InspectedKind.Notification : InspectedKind.Request
            : result is not null || error is not null ? InspectedKind.Response : InspectedKind.Invalid;

        string? idJson = id switch
        {
            { ValueKind: JsonValueKind.String } s when Size(s) - 2 <= MaxTracked => s.GetRawText(),
            { ValueKind: JsonValueKind.Number } n when Size(n) <= MaxTracked => n.GetRawText(),
            _ => null,
        };

        string? methodName = null;
        if (method is { ValueKind: JsonValueKind.String } name && Size(name) - 2 <= MaxTracked)
        {
            methodName = name.GetString();
        }

        int? code = null;
        if (error is { ValueKind: JsonValueKind.Object } e && Last(e, "code"u8) is { ValueKind: JsonValueKind.Number } c && c.TryGetInt32(out var value))
        {
            code = value;
        }

        bool? isError = result is { ValueKind: JsonValueKind.Object } r
            ? Last(r, "isError"u8) switch
            {
                { ValueKind: JsonValueKind.True } => true,
                { ValueKind: JsonValueKind.False } => false,
                _ => null,
            }
            : null;

        return new InspectedMessage(kind, idJson, methodName, code, isError, bytes);
    }

    private static JsonElement? Last(JsonElement obj, ReadOnlySpan<byte> name)
    {
        JsonElement? last = null;
        foreach (var member in obj.EnumerateObject())
        {
            if (member.NameEquals(name))
            {
                last = member.Value;
            }
        }

        return last;
    }

    private static int Size(JsonElement element) => Encoding.UTF8.GetByteCount(element.GetRawText());
}
