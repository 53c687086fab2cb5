using System.Text;
using Gateway.Proxy;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.Proxy;

public sealed class RelayStreamTests : IDisposable
{
    private const string KeepAlive = ": keep-alive\n\n";
    private static readonly TimeSpan s_activityTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);

    private readonly FakeTimeProvider _time = new();
    private readonly MemoryStream _inner = new();

    // --- Pass-through and the idle watchdog ------------------------------------------------------

    [Fact]
    public async Task WriteAsync_NotAnEventStream_PassesBytesThrough()
    {
        using var relay = Relay();

        await relay.WriteAsync("{\"jsonrpc\":"u8.ToArray(), TestContext.Current.CancellationToken);
#pragma warning disable CA1835 // The array overload is what some callers use; it must pass through too.
        await relay.WriteAsync(Encoding.UTF8.GetBytes("\"2.0\"}"), 0, 6, TestContext.Current.CancellationToken);
#pragma warning restore CA1835
        await relay.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal("{\"jsonrpc\":\"2.0\"}", Written());
        Assert.Equal(0, relay.KeepAlivesSent);
    }

    [Fact]
    public void IdleToken_SilenceForTheActivityTimeout_Fires()
    {
        using var relay = Relay();

        _time.Advance(s_activityTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(relay.IdleToken.IsCancellationRequested);
        Assert.False(relay.IdleTimedOut);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(relay.IdleToken.IsCancellationRequested);
        Assert.True(relay.IdleTimedOut);
    }

    [Fact]
    public async Task IdleToken_WriteWithinTheTimeout_RestartsTheTimer()
    {
        using var relay = Relay();
        var half = s_activityTimeout / 2;

        _time.Advance(half);
        await relay.WriteAsync("x"u8.ToArray(), TestContext.Current.CancellationToken);
        _time.Advance(half);
        Assert.False(relay.IdleTimedOut);

        _time.Advance(half);
        Assert.True(relay.IdleTimedOut);
    }

    [Fact]
    public async Task IdleToken_ManyWritesSpacedUnderTheTimeout_NeverFires()
    {
        using var relay = Relay();

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(s_activityTimeout - TimeSpan.FromSeconds(1));
            await relay.WriteAsync("x"u8.ToArray(), TestContext.Current.CancellationToken);
        }

        Assert.False(relay.IdleTimedOut);
    }

    [Fact]
    public async Task IdleToken_OnceFired_StaysFiredAfterAWrite()
    {
        using var relay = Relay();
        _time.Advance(s_activityTimeout);

        await relay.WriteAsync("x"u8.ToArray(), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(relay.IdleTimedOut);
    }

    [Fact]
    public void IdleToken_ZeroTimeout_NeverFires()
    {
        using var relay = new RelayStream(_inner, _time, TimeSpan.Zero, CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(1));

        Assert.False(relay.IdleTimedOut);
    }

    [Fact]
    public void BeginEventStream_ZeroStreamIdleTimeout_TurnsTheWatchdogOff()
    {
        using var relay = Relay();
        _time.Advance(s_activityTimeout / 2);

        relay.BeginEventStream(TimeSpan.Zero, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromHours(5));

        Assert.False(relay.IdleTimedOut);
    }

    [Fact]
    public void BeginEventStream_StreamIdleTimeout_ReplacesTheActivityTimeout()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.FromSeconds(30), TimeSpan.Zero);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(relay.IdleTimedOut);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(relay.IdleTimedOut);
    }

    [Fact]
    public void BeginEventStream_KeepAlives_DoNotCountAsUpstreamActivity()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.FromSeconds(60), s_keepAlive);

        for (var i = 0; i < 4; i++)
        {
            _time.Advance(s_keepAlive);
        }

        Assert.True(relay.IdleTimedOut);
        Assert.Equal(4, relay.KeepAlivesSent);
    }

    // --- Keep-alives -------------------------------------------------------------------------------

    [Fact]
    public void KeepAlive_IdleForTheInterval_WritesOneComment()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);

        _time.Advance(s_keepAlive - TimeSpan.FromMilliseconds(1));
        Assert.Equal("", Written());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(KeepAlive, Written());
        Assert.Equal(1, relay.KeepAlivesSent);
    }

    [Fact]
    public async Task KeepAlive_AfterACompleteEvent_IsWrittenBetweenEvents()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);
        await relay.WriteAsync("event: message\ndata: {}\n\n"u8.ToArray(), TestContext.Current.CancellationToken);

        _time.Advance(s_keepAlive);

        Assert.Equal("event: message\ndata: {}\n\n" + KeepAlive, Written());
    }

    [Fact]
    public void KeepAlive_EachIdleInterval_IsCounted()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);

        _time.Advance(s_keepAlive);
        _time.Advance(s_keepAlive);
        _time.Advance(s_keepAlive);

        Assert.Equal(3, relay.KeepAlivesSent);
        Assert.Equal(KeepAlive + KeepAlive + KeepAlive, Written());
    }

    [Fact]
    public async Task KeepAlive_EventHalfWritten_IsHeldUntilTheEventEnds()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);
        await relay.WriteAsync("data: {\"partial\":"u8.ToArray(), TestContext.Current.CancellationToken);

        _time.Advance(s_keepAlive);
        _time.Advance(s_keepAlive);
        Assert.Equal(0, relay.KeepAlivesSent);
        Assert.Equal("data: {\"partial\":", Written());

        await relay.WriteAsync("true}\n\n"u8.ToArray(), TestContext.Current.CancellationToken);
        _time.Advance(s_keepAlive);

        Assert.Equal(1, relay.KeepAlivesSent);
        Assert.Equal("data: {\"partial\":true}\n\n" + KeepAlive, Written());
    }

    [Fact]
    public async Task KeepAlive_LineEndedButEventOpen_IsHeld()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);
        await relay.WriteAsync("data: a\n"u8.ToArray(), TestContext.Current.CancellationToken);

        _time.Advance(s_keepAlive * 3);

        Assert.Equal(0, relay.KeepAlivesSent);
        Assert.Equal("data: a\n", Written());
    }

    [Fact]
    public async Task KeepAlive_RecentUpstreamWrite_SkipsThatTick()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);

        _time.Advance(TimeSpan.FromSeconds(10));
        await relay.WriteAsync("data: x\n\n"u8.ToArray(), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, relay.KeepAlivesSent);
    }

    [Fact]
    public async Task KeepAlive_AfterCompleteAsync_IsNotWritten()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);
        await relay.WriteAsync("data: x\n\n"u8.ToArray(), TestContext.Current.CancellationToken);

        await relay.CompleteAsync();
        _time.Advance(s_keepAlive * 4);

        Assert.Equal(0, relay.KeepAlivesSent);
        Assert.Equal("data: x\n\n", Written());
    }

    [Fact]
    public async Task CompleteAsync_WithoutEventStream_Completes()
    {
        using var relay = Relay();

        await relay.CompleteAsync();
        _time.Advance(s_keepAlive * 4);

        Assert.Equal("", Written());
    }

    [Fact]
    public void KeepAlive_ZeroInterval_IsNeverWritten()
    {
        using var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, TimeSpan.Zero);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, relay.KeepAlivesSent);
        Assert.Equal("", Written());
    }

    [Fact]
    public void KeepAlive_NotAnEventStream_IsNeverWritten()
    {
        using var relay = new RelayStream(_inner, _time, TimeSpan.Zero, CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, relay.KeepAlivesSent);
    }

    [Fact]
    public void KeepAlive_AfterDispose_IsNotWritten()
    {
        var relay = Relay();
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);

        relay.Dispose();
        _time.Advance(s_keepAlive * 2);

        Assert.Equal("", Written());
    }

    [Fact]
    public async Task KeepAlive_DueWhileTheForwarderIsWriting_IsWrittenWhenTheWriteEnds_NotInsideIt()
    {
        var (inner, relay, write) = await StartGatedWriteAsync();
        using var disposeRelay = relay;

        // The write's bytes may already be with the client; the silence since its start is what counts.
        _time.Advance(s_keepAlive);
        Assert.Equal(0, relay.KeepAlivesSent);

        inner.Release.SetResult();
        await write.WaitAsync(TestContext.Current.CancellationToken);

        // No further tick was needed: the one that came during the write was left to it, not dropped.
        Assert.Equal(1, relay.KeepAlivesSent);
        Assert.Equal("data: x\n\n" + KeepAlive, Encoding.UTF8.GetString(inner.Written.ToArray()));
    }

    [Fact]
    public async Task KeepAlive_NotYetDueWhileTheForwarderIsWriting_IsNotWritten_AndIsDueAnIntervalAfterTheWritesStart()
    {
        var (inner, relay, write) = await StartGatedWriteAsync();
        using var disposeRelay = relay;

        _time.Advance(s_keepAlive / 3);
        inner.Release.SetResult();
        await write.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, relay.KeepAlivesSent);

        _time.Advance(s_keepAlive - (s_keepAlive / 3));
        Assert.Equal(1, relay.KeepAlivesSent);
        Assert.Equal("data: x\n\n" + KeepAlive, Encoding.UTF8.GetString(inner.Written.ToArray()));
    }

    [Fact]
    public void KeepAlive_ClientGone_StopsWithoutThrowing()
    {
        var inner = new FailingStream();
        using var relay = new RelayStream(inner, _time, s_activityTimeout, CancellationToken.None);
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);

        _time.Advance(s_keepAlive);
        _time.Advance(s_keepAlive);

        Assert.Equal(0, relay.KeepAlivesSent);
        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public void KeepAlive_ClientAbortedToken_StopsWithoutThrowing()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        var inner = new FailingStream(honourCancellation: true);
        using var relay = new RelayStream(inner, _time, s_activityTimeout, aborted.Token);
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);

        _time.Advance(s_keepAlive);
        _time.Advance(s_keepAlive);

        Assert.Equal(0, relay.KeepAlivesSent);
    }

    // --- Helpers -------------------------------------------------------------------------------

    public void Dispose() => _inner.Dispose();

    private RelayStream Relay() => new(_inner, _time, s_activityTimeout, CancellationToken.None);

    private string Written() => Encoding.UTF8.GetString(_inner.ToArray());

    /// <summary>Records writes; while armed, a write waits for <see cref="Release"/>.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private bool _gated = true;

        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public MemoryStream Written { get; } = new();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_gated)
            {
                _gated = false;
                WriteStarted.SetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            await Written.WriteAsync(buffer, cancellationToken);
        }
    }

    /// <summary>An SSE relay whose forwarder write of one event has begun and is held inside the client stream.</summary>
    private async Task<(GatedStream Inner, RelayStream Relay, Task Write)> StartGatedWriteAsync()
    {
        var inner = new GatedStream();
        var relay = new RelayStream(inner, _time, s_activityTimeout, CancellationToken.None);
        relay.BeginEventStream(TimeSpan.Zero, s_keepAlive);
        var write = relay.WriteAsync("data: x\n\n"u8.ToArray(), TestContext.Current.CancellationToken).AsTask();
        await inner.WriteStarted.Task.WaitAsync(TestContext.Current.CancellationToken);
        return (inner, relay, write);
    }

    /// <summary>A client connection that is gone: every write fails as Kestrel's would.</summary>
    private sealed class FailingStream(bool honourCancellation = false) : MemoryStream
    {
        public int Attempts { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Attempts++;
            if (honourCancellation)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            return ValueTask.FromException(new IOException("The client reset the connection."));
        }
    }
}
