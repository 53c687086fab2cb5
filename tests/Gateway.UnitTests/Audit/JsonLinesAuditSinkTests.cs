using System.Text;
using System.Text.Json;
using Gateway.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.Audit;

public sealed class JsonLinesAuditSinkTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Write_ManyConcurrentWriters_EveryLineIsOneCompleteRecord()
    {
        var output = new StringWriter();
        var sink = Sink(output, capacity: 10_000);
        var factory = AuditTestData.Factory(AuditTestData.Options(static o => o.IncludeArguments = true));
        var written = new System.Collections.Concurrent.ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                var record = factory.Create(AuditTestData.FullInput() with { Target = $"tool-{writer}-{i}" });
                written.Add(record.EventId);
                sink.Write(record);
            }
        }, TestContext.Current.CancellationToken)));
        await sink.DisposeAsync();

        var lines = output.ToString().Split('\n');
        Assert.Equal("", lines[^1]);
        var records = lines[..^1];
        Assert.Equal(2000, records.Length);
        var ids = new HashSet<Guid>();
        foreach (var line in records)
        {
            using var json = JsonDocument.Parse(line);
            ids.Add(json.RootElement.GetProperty("eventID").GetGuid());
        }

        Assert.True(ids.SetEquals(written));
        Assert.Equal(0, sink.DroppedCount);
        foreach (var line in records.Take(50))
        {
            AuditTestData.AssertMatchesSchema(line);
        }
    }

    [Fact]
    public async Task Write_SharedSynchronizedWriterWithOtherOutput_RecordsAreNeverSplit()
    {
        // Console.Out is a synchronized writer shared with the console logger: a record must go out in one call.
        var inner = new StringWriter();
        var output = TextWriter.Synchronized(inner);
        var sink = Sink(output, capacity: 10_000);
        var record = AuditRecordSchemaTests.Build("arguments");

        var noise = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                output.Write($"noise {i}\n");
            }
        }, TestContext.Current.CancellationToken);
        for (var i = 0; i < 2000; i++)
        {
            sink.Write(record);
        }

        await noise;
        await sink.DisposeAsync();

        var lines = inner.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4000, lines.Length);
        var json = AuditTestData.Serialize(record);
        Assert.All(lines, line => Assert.True(line.StartsWith("noise ", StringComparison.Ordinal) || line == json, line));
    }

    [Fact]
    public async Task Write_QueueFull_DropsOldestCountsAndReports()
    {
        var gate = new GateWriter();
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        // A frozen clock: the periodic drop report cannot fire mid-test, only the one at disposal.
        var sink = new JsonLinesAuditSink(gate, capacity: 4, "test", ownsWriter: false, new FakeTimeProvider(), loggerFactory.CreateLogger<JsonLinesAuditSink>());
        var factory = AuditTestData.Factory();
        var records = Enumerable.Range(0, 10).Select(i => factory.Create(AuditTestData.MinimalInput() with { RequestId = $"r-{i}" })).ToArray();

        sink.Write(records[0]);
        await gate.Entered.Task.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        // The writer is stuck inside record 0; the queue holds 4, so 5 of the next 9 are evicted, oldest first.
        foreach (var record in records[1..])
        {
            sink.Write(record);
        }

        Assert.Equal(5, sink.DroppedCount);
        gate.Release.SetResult();
        await sink.DisposeAsync();

        var requestIds = gate.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => JsonDocument.Parse(line).RootElement.GetProperty("requestID").GetString());
        Assert.Equal(["r-0", "r-6", "r-7", "r-8", "r-9"], requestIds);
        var report = Assert.Single(logs.Entries, static e => e.EventId.Id == 5002);
        Assert.Equal(LogLevel.Warning, report.Level);
        Assert.Equal(5L, report.Properties["Count"]);
    }

    [Fact]
    public async Task Write_RecordBrokenByABug_IsLostAlone_CountedAndLogged_AndTheLinesAroundItAreWhole()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var output = new CountingStream();
        var sink = new JsonLinesAuditSink(new StreamWriter(output), capacity: 16, "test", ownsWriter: false, new FakeTimeProvider(), loggerFactory.CreateLogger<JsonLinesAuditSink>());
        var factory = AuditTestData.Factory();
        // No record the factory builds fails to serialize; one broken by a bug (here: no request parameters)
        // fails half-way, after part of it was written.
        var broken = factory.Create(AuditTestData.MinimalInput()) with { RequestParameters = null! };

        sink.Write(factory.Create(AuditTestData.MinimalInput() with { RequestId = "r-before" }));
        sink.Write(broken);
        sink.Write(factory.Create(AuditTestData.MinimalInput() with { RequestId = "r-after" }));
        await sink.DisposeAsync();

        Assert.Equal(1, sink.DroppedCount);
        var requestIds = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => JsonDocument.Parse(line).RootElement.GetProperty("requestID").GetString());
        Assert.Equal(["r-before", "r-after"], requestIds);
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 5004 && (string?)e.Properties["Sink"] == "test");
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 5002);
    }

    [Fact]
    public async Task Write_AfterDispose_IsCountedAsDropped()
    {
        var sink = Sink(new StringWriter(), capacity: 4);
        await sink.DisposeAsync();

        sink.Write(AuditRecordSchemaTests.Build("minimal"));

        Assert.Equal(1, sink.DroppedCount);
    }

    [Fact]
    public async Task Create_FileSink_AppendsCompleteLinesAndStaysReadable()
    {
        var directory = Directory.CreateTempSubdirectory("audit-");
        try
        {
            var path = Path.Combine(directory.FullName, "audit.jsonl");
            var options = AuditTestData.Options(o => { o.Sink = AuditSinkKind.File; o.FilePath = path; });
            File.WriteAllText(path, "{\"earlier\":true}\n");

            var sink = JsonLinesAuditSink.Create(options, TimeProvider.System, NullLogger<JsonLinesAuditSink>.Instance);
            sink.Write(AuditRecordSchemaTests.Build("full"));
            sink.Write(AuditRecordSchemaTests.Build("rejected"));
            // A log shipper may read while the gateway holds the file open.
            await using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                Assert.True(reader.CanRead);
            }

            await sink.DisposeAsync();

            var lines = File.ReadAllLines(path, Encoding.UTF8);
            Assert.Equal(3, lines.Length);
            Assert.Equal("{\"earlier\":true}", lines[0]);
            AuditTestData.AssertMatchesSchema(lines[1]);
            AuditTestData.AssertMatchesSchema(lines[2]);
            Assert.NotEqual(0xEF, File.ReadAllBytes(path)[lines[0].Length + 1]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Write_WriterThrowsSomethingUnexpected_CountsLostRecordsLogsAndKeepsWriting()
    {
        // The writer runs on a thread of its own, where an exception let through would end the process.
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var sink = new JsonLinesAuditSink(new FailingWriter(new FormatException("odd")), capacity: 16, "odd", ownsWriter: false, TimeProvider.System, loggerFactory.CreateLogger<JsonLinesAuditSink>());

        sink.Write(AuditRecordSchemaTests.Build("minimal"));
        sink.Write(AuditRecordSchemaTests.Build("minimal"));
        await sink.DisposeAsync();

        Assert.Equal(2, sink.DroppedCount);
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 5003 && (string?)e.Properties["Sink"] == "odd" && (string?)e.Properties["ExceptionType"] == "FormatException");
    }

    [Fact]
    public async Task Write_WriterFails_CountsLostRecordsAndLogs()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var failing = new FailingWriter();
        var sink = new JsonLinesAuditSink(failing, capacity: 16, "broken", ownsWriter: false, TimeProvider.System, loggerFactory.CreateLogger<JsonLinesAuditSink>());

        sink.Write(AuditRecordSchemaTests.Build("minimal"));
        sink.Write(AuditRecordSchemaTests.Build("minimal"));
        await sink.DisposeAsync();

        Assert.Equal(2, sink.DroppedCount);
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 5003 && (string?)e.Properties["Sink"] == "broken");
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 5002);
    }

    [Fact]
    public async Task Write_WithFlushInterval_RecordsGatherAndGoOutInOneWriteWhenTheIntervalEnds()
    {
        var clock = new ClockWatchingTimeProvider();
        var output = new CountingStream();
        var interval = TimeSpan.FromMilliseconds(100);
        var sink = new JsonLinesAuditSink(new StreamWriter(output), capacity: 100, "test", ownsWriter: false, clock, NullLogger<JsonLinesAuditSink>.Instance, interval);
        var factory = AuditTestData.Factory();
        clock.Watch();

        for (var i = 0; i < 3; i++)
        {
            sink.Write(factory.Create(AuditTestData.MinimalInput() with { RequestId = $"r-{i}" }));
        }

        // The writer woke for the first record and read the clock to time its wait; the clock stands still, so
        // it cannot have written anything yet.
        await clock.Read.Task.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        var beforeInterval = output.WriteCount;
        clock.Fake.Advance(interval);
        await output.Written.Task.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        await sink.DisposeAsync();

        Assert.Equal(0, beforeInterval);
        Assert.Equal(1, output.WriteCount);
        var requestIds = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => JsonDocument.Parse(line).RootElement.GetProperty("requestID").GetString());
        Assert.Equal(["r-0", "r-1", "r-2"], requestIds);
    }

    [Fact]
    public async Task DisposeAsync_DuringALongFlushInterval_WritesWhatGatheredAtOnce()
    {
        var clock = new ClockWatchingTimeProvider();
        var output = new CountingStream();
        var sink = new JsonLinesAuditSink(new StreamWriter(output), capacity: 100, "test", ownsWriter: false, clock, NullLogger<JsonLinesAuditSink>.Instance, TimeSpan.FromSeconds(10));
        clock.Watch();

        sink.Write(AuditRecordSchemaTests.Build("full"));
        sink.Write(AuditRecordSchemaTests.Build("rejected"));
        await clock.Read.Task.WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        // The fake clock never moves: only disposal can end the wait, well within the drain timeout.
        await sink.DisposeAsync().AsTask().WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, AuditTestData.AssertMatchesSchema);
        Assert.Equal(0, sink.DroppedCount);
    }

    private static JsonLinesAuditSink Sink(TextWriter writer, int capacity) =>
        new(writer, capacity, "test", ownsWriter: false, TimeProvider.System, NullLogger<JsonLinesAuditSink>.Instance);

    /// <summary>Blocks the first write until released, so a test can fill the queue behind it.</summary>
    private sealed class GateWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char[] buffer, int index, int count)
        {
            Entered.TrySetResult();
            Release.Task.Wait(s_timeout);
            lock (_text)
            {
                _text.Append(buffer, index, count);
            }
        }
    }

    /// <summary>
    /// A fake clock that says when it is first read after <see cref="Watch"/>: the sink's writer reads it only to
    /// time its wait for the flush interval (and, after a write, to pace its drop reports).
    /// </summary>
    private sealed class ClockWatchingTimeProvider : TimeProvider
    {
        private int _watching;

        public FakeTimeProvider Fake { get; } = new();

        public TaskCompletionSource Read { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public void Watch() => Volatile.Write(ref _watching, 1);

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override long GetTimestamp()
        {
            if (Volatile.Read(ref _watching) == 1)
            {
                Read.TrySetResult();
            }

            return Fake.GetTimestamp();
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            Fake.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>Counts the write calls that reach it and signals the first.</summary>
    private sealed class CountingStream : MemoryStream
    {
        private int _writes;

        public int WriteCount => Volatile.Read(ref _writes);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // MemoryStream's span overload calls back into the array one in a derived class: count only there.
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (this)
            {
                base.Write(buffer, offset, count);
            }

            Interlocked.Increment(ref _writes);
            Written.TrySetResult();
        }

        public override byte[] ToArray()
        {
            lock (this)
            {
                return base.ToArray();
            }
        }
    }

    private sealed class FailingWriter(Exception? failure = null) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char[] buffer, int index, int count) => throw failure ?? new IOException("disk full");
    }
}
