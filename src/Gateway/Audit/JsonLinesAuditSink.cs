using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Gateway.Audit;

/// <summary>
/// Audit records as JSON lines — one complete JSON object per line — on standard output or appended to a
/// file. The request path only enqueues (<see cref="Write"/> never blocks); one background writer
/// serializes and writes, so lines never interleave, and each line goes out in a single
/// <see cref="TextWriter.Write(char[], int, int)"/> call, so on <see cref="Console.Out"/> (a synchronized
/// writer) no other console output can land inside it either.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="AuditOptions.QueueCapacity"/>) and, when full, drops the oldest
/// waiting record. Blocking instead would let a slow disk or a stalled log collector stall every MCP
/// request, and an unbounded queue would turn the same stall into memory exhaustion. Dropping the oldest
/// rather than the newest keeps the trail closest to the present — what an operator reads first when
/// something is going wrong — and either way the hole is one contiguous run. Every drop (and every record
/// a failed write lost) is counted in <see cref="DroppedCount"/> and reported by a warning (EventId 5002)
/// at most every <see cref="ReportInterval"/>, so a gap is never silent.
/// <para>
/// With a flush interval (<see cref="AuditOptions.FlushInterval"/>), the writer wakes once per interval
/// at most and writes everything that gathered meanwhile in one call. Waking for each record instead
/// costs a thread-pool dispatch, a context switch and a system call per MCP message: about 3 µs of CPU
/// per message in the overhead benchmark (10 ms against 0, side by side). Disposal ends the wait at once
/// and drains what is queued.
/// </para>
/// <para>
/// The writer is a thread of its own that waits out the interval on an operating-system wait, not an
/// asynchronous loop paced by a <see cref="TimeProvider"/> timer: such a timer fires on the runtime's timer
/// thread and continues on the thread pool, and a profile of the gateway under the overhead benchmark's load
/// (<c>perf</c>, 10 ms interval) put that at about 0.5 µs of CPU per message, as much as writing the lines;
/// with this thread it is gone. The <see cref="TimeProvider"/> is still the clock that decides when the
/// interval is over, so a test's fake clock controls it. Writing on its own thread also keeps the blocking
/// writes off the thread pool.
/// </para>
/// </remarks>
internal sealed class JsonLinesAuditSink : IAuditSink, IAsyncDisposable, IDisposable
{
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long disposal waits for queued records to be written.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<AuditRecord> _channel;
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly string _name;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _flushInterval;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _pumped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropped;
    private long _reported;
    private long _lastReportTimestamp;
    private int _disposed;

    /// <param name="writer">Where the lines go; written by one background task only.</param>
    /// <param name="capacity">How many records may wait.</param>
    /// <param name="name">Names the destination in log events (<c>stdout</c>, or the file path).</param>
    /// <param name="ownsWriter">Whether disposal disposes <paramref name="writer"/>.</param>
    /// <param name="timeProvider">Paces drop reports and bounds the drain at disposal.</param>
    /// <param name="logger">Receives drop and failure reports (never the records).</param>
    /// <param name="flushInterval">How long records gather before a write; <see cref="TimeSpan.Zero"/> writes as soon as they arrive.</param>
    public JsonLinesAuditSink(TextWriter writer, int capacity, string name, bool ownsWriter, TimeProvider timeProvider, ILogger<JsonLinesAuditSink> logger, TimeSpan flushInterval = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(flushInterval, TimeSpan.Zero);
        _writer = writer;
        _flushInterval = flushInterval;
        _name = name;
        _ownsWriter = ownsWriter;
        _timeProvider = timeProvider;
        _logger = logger;
        _lastReportTimestamp = timeProvider.GetTimestamp();
        // Synchronous continuations: the only waiter is the writer thread, blocked until a record arrives, so a
        // record's writer wakes it directly instead of through a thread-pool dispatch.
        _channel = Channel.CreateBounded<AuditRecord>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = true },
            _ => Interlocked.Increment(ref _dropped));
        new Thread(Pump) { IsBackground = true, Name = "Gateway audit writer" }.Start();
    }

    /// <summary>Records dropped so far: evicted from a full queue, written after disposal began, or lost to a failed write.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>The sink <paramref name="options"/> ask for: standard output, or the file opened for appending.</summary>
    public static JsonLinesAuditSink Create(AuditOptions options, TimeProvider timeProvider, ILogger<JsonLinesAuditSink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Sink == AuditSinkKind.File)
        {
            var path = options.FilePath ?? throw new InvalidOperationException($"{AuditOptions.SectionName}:FilePath is required when {AuditOptions.SectionName}:Sink is File.");
            // Append-only, and readable (and renamable, for rotation) by a log shipper while open.
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 64 * 1024);
            return new JsonLinesAuditSink(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)), options.QueueCapacity, path, ownsWriter: true, timeProvider, logger, options.FlushInterval);
        }

        // Not Console.Out: it flushes every write, one system call per record under load. A buffered
        // writer over the raw stream is flushed once per drained batch by the pump.
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024) { AutoFlush = false };
        return new JsonLinesAuditSink(stdout, options.QueueCapacity, "stdout", ownsWriter: true, timeProvider, logger, options.FlushInterval);
    }

    public void Write(AuditRecord record)
    {
        if (!_channel.Writer.TryWrite(record))
        {
            // Only after disposal began: the queue itself never refuses (it drops the oldest instead).
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _pumped.Task.WaitAsync(DrainTimeout, _timeProvider);
        }
        catch (TimeoutException)
        {
            // The destination is stuck; what is still queued is lost, and said so.
            Interlocked.Add(ref _dropped, _channel.Reader.Count);
        }

        ReportDrops(force: true);
        if (_ownsWriter && _pumped.Task.IsCompleted)
        {
            await _writer.DisposeAsync();
        }

        if (_pumped.Task.IsCompleted)
        {
            _stopping.Dispose();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Pump()
    {
        try
        {
            PumpRecords();
        }
        catch (Exception ex)
        {
            // Only a bug gets here (write failures are handled below); an exception must not end the process
            // from this thread. Later records are counted as dropped, and disposal reports them.
            _channel.Writer.TryComplete();
            Interlocked.Add(ref _dropped, _channel.Reader.Count);
            _logger.AuditSinkFailed(_name, ex.GetType().Name);
        }
        finally
        {
            _pumped.TrySetResult();
        }
    }

    private void PumpRecords()
    {
        var reader = _channel.Reader;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        // Each record is serialized on its own first: one that fails half-way leaves nothing in the batch.
        var line = new ArrayBufferWriter<byte>(4096);
        var chars = new char[4096];
        using var json = new Utf8JsonWriter(line, AuditJson.WriterOptions);
        // Over a stream (stdout, a file) the lines go out as UTF-8 bytes, a drained batch of whole lines
        // per write: no UTF-16 round trip, one system call per batch instead of per record.
        var stream = (_writer as StreamWriter)?.BaseStream;
        var batched = 0;
        var drained = 0;
        // After a batch, the next interval begins at once: under load records keep coming, and blocking for the
        // next one would only spin the thread for the few microseconds until it arrives. Only an interval that
        // found nothing blocks until a record comes (or disposal completes the queue).
        while (drained > 0 || WaitToRead(reader))
        {
            if (_flushInterval > TimeSpan.Zero)
            {
                // Let the interval's records gather (see the class remarks); disposal cuts the wait short.
                WaitOutInterval();
            }

            drained = 0;
            Exception? failure = null;
            Exception? serializationFailure = null;
            while (reader.TryRead(out var record))
            {
                drained++;
                try
                {
                    line.ResetWrittenCount();
                    json.Reset(line);
                    AuditJson.Serialize(json, record);
                    json.Flush();
                    line.GetSpan(1)[0] = (byte)'\n';
                    line.Advance(1);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Only a bug gets here (no record the factory builds fails); that record alone is lost,
                    // and the writer goes on with the next.
                    serializationFailure = ex;
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                try
                {
                    if (stream is not null)
                    {
                        buffer.Write(line.WrittenSpan);
                        batched++;
                        if (buffer.WrittenCount >= 60 * 1024)
                        {
                            stream.Write(buffer.WrittenSpan);
                            buffer.ResetWrittenCount();
                            batched = 0;
                        }

                        continue;
                    }

                    var count = Encoding.UTF8.GetCharCount(line.WrittenSpan);
                    if (chars.Length < count)
                    {
                        chars = new char[Math.Max(count, chars.Length * 2)];
                    }

                    Encoding.UTF8.GetChars(line.WrittenSpan, chars);
                    // One call per line: see the class remarks.
                    _writer.Write(chars, 0, count);
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    // The failed line, and in stream mode the unwritten lines before it, are lost.
                    failure = ex;
                    Interlocked.Add(ref _dropped, Math.Max(1, batched));
                    buffer.ResetWrittenCount();
                    batched = 0;
                }
            }

            if (stream is not null && buffer.WrittenCount > 0)
            {
                try
                {
                    stream.Write(buffer.WrittenSpan);
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    failure = ex;
                    Interlocked.Add(ref _dropped, batched);
                }

                buffer.ResetWrittenCount();
                batched = 0;
            }

            try
            {
                _writer.Flush();
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                failure = ex;
            }

            if (failure is not null)
            {
                _logger.AuditWriteFailed(_name, failure.GetType().Name);
            }

            if (serializationFailure is not null)
            {
                _logger.AuditSinkFailed(_name, serializationFailure.GetType().Name);
            }

            ReportDrops(force: false);
        }
    }

    /// <summary>Blocks until a record is queued (true) or the queue is completed and empty (false).</summary>
    private static bool WaitToRead(ChannelReader<AuditRecord> reader)
    {
        var ready = reader.WaitToReadAsync();
        return ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits until <see cref="_flushInterval"/> has passed on <see cref="_timeProvider"/>'s clock, to within a
    /// millisecond, or disposal began. The waiting itself is the thread's own timed wait (see the class remarks),
    /// in whole milliseconds: a shorter remainder, which an early wake-up leaves, counts as over rather than
    /// as a zero wait that would return at once and spin.
    /// </summary>
    private void WaitOutInterval()
    {
        var start = _timeProvider.GetTimestamp();
        var stopping = _stopping.Token.WaitHandle;
        while (!_stopping.IsCancellationRequested)
        {
            var remaining = (int)(_flushInterval - _timeProvider.GetElapsedTime(start)).TotalMilliseconds;
            if (remaining <= 0)
            {
                return;
            }

            stopping.WaitOne(remaining);
        }
    }

    private void ReportDrops(bool force)
    {
        var dropped = Interlocked.Read(ref _dropped);
        var unreported = dropped - Interlocked.Read(ref _reported);
        if (unreported <= 0 || (!force && _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastReportTimestamp)) < ReportInterval))
        {
            return;
        }

        Interlocked.Exchange(ref _reported, dropped);
        Interlocked.Exchange(ref _lastReportTimestamp, _timeProvider.GetTimestamp());
        _logger.AuditRecordsDropped(unreported, dropped);
    }

    /// <summary>
    /// Whatever the destination throws is a failed write: its lines are counted as lost and the writer goes on.
    /// On the writer's own thread an exception let through would end the process.
    /// </summary>
    private static bool IsWriteFailure(Exception ex) => ex is not OutOfMemoryException;
}
