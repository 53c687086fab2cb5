using System.Text;
using Gateway.Proxy;

namespace Gateway.UnitTests.Proxy;

public sealed class SseEventBoundaryTests
{
    public static TheoryData<string, bool> Streams => new()
    {
        // stream so far, whether a comment may be inserted now
        { "", true },
        { "data: x\n\n", true },
        { "data: x\n", false },
        { "data: x", false },
        { "d", false },
        { ": comment\n\n", true },
        { ": comment\n", false },
        { ":\n\n", true },
        { "\n", true },
        { "\n\n\n", true },
        { "event: message\ndata: {\"a\":1}\nid: 7\n\n", true },
        { "event: message\ndata: {\"a\":1}\n", false },
        { "data: x\n\ndata: y\n\n", true },
        { "data: x\n\ndata: y\n", false },
        { "data: x\n\ndata: y", false },
        { "data: x\n\n: keep-alive\n\n", true },
        { "retry: 1000\n\n", true },
        // CRLF
        { "data: x\r\n\r\n", true },
        { "data: x\r\n", false },
        // A CR that ended the blank line is a boundary even before its LF may follow: a comment there
        // only adds an empty line, which dispatches nothing.
        { "data: x\r\n\r", true },
        { "data: x\r", false },
        { "event: a\r\ndata: x\r\n\r\n", true },
        { "data: x\r\n\r\ndata: y\r\n", false },
        // Lone CR ends lines inside the event, an LF or CRLF ends the blank line.
        { "data: x\rdata: y\r\n\r\n", true },
        { "data: x\rdata: y\n\n", true },
        { "data: x\r\r\n", true },
        { "data: x\rdata: y\r", false },
        // A CR that ends a blank line is a boundary, whether or not an LF follows.
        { "data: x\r\r", true },
        { "data: x\n\r", true },
        // Mixed endings.
        { "data: x\n\r\n", true },
        { "data: x\r\n\n", true },
        { "data: x\r\n\r\n\r\n", true },
        { "data: é€😀\n\n", true },
    };

    [Fact]
    public void AtBoundary_Initially_IsTrue()
    {
        Assert.True(new SseEventBoundary().AtBoundary);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void AtBoundary_WholeStreamInOneChunk_IsExpected(string stream, bool expected)
    {
        var boundary = new SseEventBoundary();

        boundary.Feed(Encoding.UTF8.GetBytes(stream));

        Assert.Equal(expected, boundary.AtBoundary);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void AtBoundary_StreamSplitInTwoAtEveryPosition_IsExpected(string stream, bool expected)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var boundary = new SseEventBoundary();

            boundary.Feed(bytes.AsSpan(0, split));
            boundary.Feed(bytes.AsSpan(split));

            Assert.True(expected == boundary.AtBoundary, $"split at {split} of {Escape(stream)}: expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void AtBoundary_StreamSplitInThreeAtEveryPair_IsExpected(string stream, bool expected)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                var boundary = new SseEventBoundary();

                boundary.Feed(bytes.AsSpan(0, first));
                boundary.Feed(bytes.AsSpan(first, second - first));
                boundary.Feed(bytes.AsSpan(second));

                Assert.True(expected == boundary.AtBoundary, $"splits at {first},{second} of {Escape(stream)}: expected {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void AtBoundary_StreamFedByteByByte_IsExpected(string stream, bool expected)
    {
        var boundary = new SseEventBoundary();

        foreach (var b in Encoding.UTF8.GetBytes(stream))
        {
            boundary.Feed([b]);
        }

        Assert.Equal(expected, boundary.AtBoundary);
    }

    [Fact]
    public void AtBoundary_PendingCrThenLf_StaysTrue_AndTheNextEventClearsIt()
    {
        var boundary = new SseEventBoundary();

        boundary.Feed("data: x\r\n\r"u8);
        Assert.True(boundary.AtBoundary);

        // The LF that completes the CRLF is not a second blank line.
        boundary.Feed("\n"u8);
        Assert.True(boundary.AtBoundary);

        boundary.Feed("data: y\r"u8);
        Assert.False(boundary.AtBoundary);
    }

    [Fact]
    public void AtBoundary_EmptyFeed_ChangesNothing()
    {
        var boundary = new SseEventBoundary();
        boundary.Feed("data: x"u8);

        boundary.Feed([]);

        Assert.False(boundary.AtBoundary);
    }

    [Fact]
    public void AtBoundary_FollowsEachEventOfALongStream()
    {
        var boundary = new SseEventBoundary();

        for (var i = 0; i < 100; i++)
        {
            boundary.Feed(Encoding.UTF8.GetBytes($"id: {i}\ndata: {{\"n\":{i}}}\n"));
            Assert.False(boundary.AtBoundary);
            boundary.Feed("\n"u8);
            Assert.True(boundary.AtBoundary);
        }
    }

    private static string Escape(string value) => value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
