using System.Text;
using Gateway.Inspection;

namespace Gateway.UnitTests.Inspection;

/// <summary>
/// A megabyte-sized result costs no memory proportional to its size: fed in the relay's 4 KB writes, the only
/// allocations are the reported message's small strings.
/// </summary>
public sealed class JsonRpcResponseInspectorAllocationTests
{
    private const int Mebibyte = 1 << 20;
    private const int WriteSize = 4096;
    private const long AllocationBudget = 4096;

    public static TheoryData<string> Shapes => ["sse text", "sse escaped JSON text", "sse structured content", "json text", "json structured content"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Feed_OneMebibyteToolResultIn4KbWrites_ReportsItAndAllocatesAlmostNothing(string shape)
    {
        var isEventStream = shape.StartsWith("sse", StringComparison.Ordinal);
        var body = BuildBody(isEventStream, shape);
        Assert.True(body.Length > Mebibyte);

        // Warm up: static initialisation and JIT of every path happen outside the measurement.
        Run(isEventStream, body, new RecordingObserver());

        // The per-thread counter can jump by up to one allocation quantum (8 KB) while other threads allocate, as
        // the tests running in parallel do, even with no GC in between (cf. dotnet/coreclr#10207). The cost being
        // measured is deterministic and noise only adds to it, so the cheapest of a few runs is the cost; a cost
        // that grew with the body would show in every run.
        var observer = new RecordingObserver();
        var allocated = long.MaxValue;
        for (var attempt = 0; attempt < 5 && allocated >= AllocationBudget; attempt++)
        {
            observer = new RecordingObserver();
            allocated = Math.Min(allocated, Run(isEventStream, body, observer));
        }

        var message = Assert.Single(observer.Messages);
        Assert.Equal(InspectedKind.Response, message.Kind);
        Assert.Equal("\"call-42\"", message.IdJson);
        Assert.True(message.IsError);
        Assert.True(message.Bytes > Mebibyte);
        Assert.True(allocated < AllocationBudget, $"{allocated} bytes allocated while inspecting {body.Length} bytes");
    }

    private static long Run(bool isEventStream, byte[] body, RecordingObserver observer)
    {
        var inspector = new JsonRpcResponseInspector(isEventStream, observer);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var offset = 0; offset < body.Length; offset += WriteSize)
        {
            inspector.Feed(body.AsSpan(offset, Math.Min(WriteSize, body.Length - offset)));
        }

        inspector.Complete();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] BuildBody(bool isEventStream, string shape)
    {
        var result = new StringBuilder(Mebibyte + 4096);
        if (shape.EndsWith("structured content", StringComparison.Ordinal))
        {
            // Many small tokens: the per-byte path of the scanner, not the vectorised string skip.
            result.Append("""{"content":[],"structuredContent":{"records":[""");
            for (var i = 0; result.Length < Mebibyte; i++)
            {
                result.Append(i == 0 ? "" : ",")
                    .Append("""{"Id":"001xx000003DGb2AAG","Amount":-1234.5e-2,"IsClosed":false,"Owner":null,"Tags":["a","b"],"n":""")
                    .Append(i).Append('}');
            }

            result.Append("]},\"isError\":true}");
        }
        else
        {
            // One big text content; "escaped JSON text" is what a tool returning serialized records sends.
            var line = shape.Contains("escaped", StringComparison.Ordinal)
                ? """{\"Id\":\"001xx000003DGb2AAG\",\"Name\":\"Acme \u00e9 \\\\ Co\",\"Amount\":12.5},\n"""
                : "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor — é€😀. ";
            result.Append("""{"content":[{"type":"text","text":" """);
            while (result.Length < Mebibyte)
            {
                result.Append(line);
            }

            result.Append("\"}],\"isError\":true}");
        }

        var json = $$"""{"jsonrpc":"2.0","id":"call-42","result":{{result}}}""";
        return Encoding.UTF8.GetBytes(isEventStream ? $"id: 1\nevent: message\ndata: {json}\n\n" : json);
    }
}
