using Gateway.Inspection;

namespace Gateway.Proxy;

/// <summary>
/// Wraps the client response body for one forwarded request. It sees every byte the forwarder copies
/// (yarp-notes.md "Seeing the response without buffering it": write through first, then inspect) and
/// uses that to:
/// <list type="bullet">
/// <item>keep the upstream idle watchdog: <see cref="IdleToken"/> fires when the upstream has been
/// silent longer than the configured timeout. The forwarder's own activity timeout is infinite because
/// it is fixed before the response type is known and cannot tell a long-lived SSE stream from a hung call;</item>
/// <item>write <c>: keep-alive</c> comments on an idle SSE stream, only between events, so load balancers
/// with 60 s idle limits keep the stream open. One lock orders these writes with the forwarder's.</item>
/// </list>
/// Idleness runs from the start of the last write: once a write has begun, its bytes may reach the
/// client before it returns. A keep-alive tick that finds a write under way is not dropped but left to
/// that write, which makes the check once it lets go of the lock; otherwise a tick in that window would
/// put the next keep-alive a whole tick later than the silence calls for.
/// </summary>
internal sealed class RelayStream : Stream
{
    private static readonly ReadOnlyMemory<byte> s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    private readonly Stream _inner;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationToken _clientAborted;
    private TimeSpan _idleTimeout;
    private SseEventBoundary? _boundary;
    private SemaphoreSlim? _lock;
    private ITimer? _keepAliveTimer;
    private TimeSpan _keepAliveInterval;
    private long _lastWrite;
    private int _tickDeferred;
    private bool _completed;
    private JsonRpcResponseInspector? _inspector;

    public RelayStream(Stream inner, TimeProvider timeProvider, TimeSpan idleTimeout, CancellationToken clientAborted)
    {
        _inner = inner;
        _timeProvider = timeProvider;
        _clientAborted = clientAborted;
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        SetIdleTimeout(idleTimeout);
    }

    /// <summary>Cancelled when the upstream stayed silent longer than the idle timeout.</summary>
    public CancellationToken IdleToken => _idle.Token;

    /// <summary>Whether the idle watchdog fired (as opposed to the client leaving).</summary>
    public bool IdleTimedOut => _idle.IsCancellationRequested;

    /// <summary>How many keep-alive comments this stream wrote.</summary>
    public int KeepAlivesSent { get; private set; }

    /// <summary>Upstream bytes relayed to the client (keep-alives not counted).</summary>
    public long BytesRelayed { get; private set; }

    /// <summary>Whether the response turned out to be an SSE stream.</summary>
    public bool IsEventStream => _boundary is not null;

    /// <summary>
    /// The response is an SSE stream: from now on the idle limit is <paramref name="streamIdleTimeout"/>
    /// and, when <paramref name="keepAliveInterval"/> is positive, idle periods get keep-alive comments.
    /// Called after the response headers are copied (yarp-notes.md: start the timer only then).
    /// </summary>
    public void BeginEventStream(TimeSpan streamIdleTimeout, TimeSpan keepAliveInterval)
    {
        _boundary = new SseEventBoundary();
        _lock = new SemaphoreSlim(1, 1);
        _lastWrite = _timeProvider.GetTimestamp();
        SetIdleTimeout(streamIdleTimeout);
        if (keepAliveInterval > TimeSpan.Zero)
        {
            _keepAliveInterval = keepAliveInterval;
            // Ticking at a third of the interval bounds the silence at 4/3 of it, although a tick is
            // skipped whenever the stream wrote within the interval.
            var tick = keepAliveInterval / 3;
            _keepAliveTimer = _timeProvider.CreateTimer(static state => _ = ((RelayStream)state!).WriteKeepAliveAsync(), this, tick, tick);
        }
    }

    /// <summary>
    /// From now on every relayed byte also goes through <paramref name="inspector"/>, after it was
    /// written: the client never waits for the inspection (yarp-notes.md: write through, then inspect).
    /// </summary>
    public void Inspect(JsonRpcResponseInspector inspector) => _inspector = inspector;

    /// <summary>Stops keep-alives; after this returns no comment is written. Call before the response completes.</summary>
    public async ValueTask CompleteAsync()
    {
        // A plain JSON body's message is reported only once the body is known to be whole.
        _inspector?.Complete();
        if (_lock is null)
        {
            _completed = true;
            return;
        }

        await _lock.WaitAsync(CancellationToken.None);
        try
        {
            _completed = true;
            _keepAliveTimer?.Dispose();
        }
        finally
        {
            _lock.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        RestartIdleTimer();
        BytesRelayed += buffer.Length;
        if (_lock is null)
        {
            await _inner.WriteAsync(buffer, cancellationToken);
            _inspector?.Feed(buffer.Span);
            return;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            _lastWrite = _timeProvider.GetTimestamp();
            await _inner.WriteAsync(buffer, cancellationToken);
            _boundary!.Feed(buffer.Span);
            _inspector?.Feed(buffer.Span);
        }
        finally
        {
            _lock.Release();
        }

        await RunDeferredTickAsync();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    private async Task WriteKeepAliveAsync()
    {
        var gate = _lock!;
        if (!gate.Wait(0))
        {
            // A write is under way: the holder makes this check when it lets go (see the class remarks).
            // It may have let go between the two calls, before it could see the flag; then check here.
            Volatile.Write(ref _tickDeferred, 1);
            if (!gate.Wait(0))
            {
                return;
            }

            Volatile.Write(ref _tickDeferred, 0);
        }

        try
        {
            if (_completed || !_boundary!.AtBoundary || _timeProvider.GetElapsedTime(_lastWrite) < _keepAliveInterval)
            {
                return;
            }

            _lastWrite = _timeProvider.GetTimestamp();
            await _inner.WriteAsync(s_keepAlive, _clientAborted);
            KeepAlivesSent++;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone; the forwarder sees that on its next write and ends the exchange.
            _completed = true;
        }
        finally
        {
            gate.Release();
        }

        await RunDeferredTickAsync();
    }

    /// <summary>Makes the keep-alive check a tick left to the lock's holder, once the holder has let go.</summary>
    private Task RunDeferredTickAsync() =>
        Interlocked.Exchange(ref _tickDeferred, 0) != 0 ? WriteKeepAliveAsync() : Task.CompletedTask;

    private void SetIdleTimeout(TimeSpan timeout)
    {
        _idleTimeout = timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan;
        RestartIdleTimer();
    }

    private void RestartIdleTimer()
    {
        // Once fired it stays fired: the exchange is being torn down.
        if (!_idle.IsCancellationRequested)
        {
            _idle.CancelAfter(_idleTimeout);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _keepAliveTimer?.Dispose();
            _idle.Dispose();
            _lock?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => throw new NotSupportedException("Kestrel does not allow synchronous I/O.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Kestrel does not allow synchronous I/O.");
}
