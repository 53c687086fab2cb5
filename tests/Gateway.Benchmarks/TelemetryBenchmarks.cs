using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Gateway.Benchmarks;

/// <summary>
/// What one tagged measurement costs the request path with the OpenTelemetry SDK listening: the price of
/// each per-request HTTP instrument <c>Gateway:Telemetry:DetailedHttpMetrics</c> leaves off. The tags
/// are those System.Net.Http puts on <c>http.client.open_connections</c> (six) and ASP.NET Core on
/// <c>http.server.active_requests</c> (two); the baseline is the same instrument with no listener.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class TelemetryBenchmarks : IDisposable
{
    private Meter _listened = null!;
    private Meter _unlistened = null!;
    private MeterProvider _provider = null!;
    private UpDownCounter<long> _openConnections = null!;
    private UpDownCounter<long> _activeRequests = null!;
    private UpDownCounter<long> _unlistenedConnections = null!;

    [GlobalSetup]
    public void Setup()
    {
        _listened = new Meter("Bench.Listened");
        _unlistened = new Meter("Bench.Unlistened");
        _openConnections = _listened.CreateUpDownCounter<long>("http.client.open_connections");
        _activeRequests = _listened.CreateUpDownCounter<long>("http.server.active_requests");
        _unlistenedConnections = _unlistened.CreateUpDownCounter<long>("http.client.open_connections");
        // A reader that never exports: the measurement path is what is timed, not the export.
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_listened.Name)
            .AddReader(new BaseExportingMetricReader(new NoExport()))
            .Build();
        if (!_openConnections.Enabled || _unlistenedConnections.Enabled)
        {
            throw new InvalidOperationException("The listened instrument must be enabled and the other not.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _provider.Dispose();
        _listened.Dispose();
        _unlistened.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "no listener (instrument dropped)")]
    public void Dropped() => RecordConnectionState(_unlistenedConnections);

    [Benchmark(Description = "open_connections ±1, 6 tags")]
    public void OpenConnections() => RecordConnectionState(_openConnections);

    [Benchmark(Description = "active_requests ±1, 2 tags")]
    public void ActiveRequests()
    {
        if (_activeRequests.Enabled)
        {
            var tags = new TagList { { "http.request.method", "POST" }, { "url.scheme", "http" } };
            _activeRequests.Add(1, tags);
            _activeRequests.Add(-1, tags);
        }
    }

    // A request takes an idle connection (idle -1, active +1) and gives it back (active -1, idle +1).
    private static void RecordConnectionState(UpDownCounter<long> counter)
    {
        if (!counter.Enabled)
        {
            return;
        }

        counter.Add(-1, Connection("idle"));
        counter.Add(1, Connection("active"));
        counter.Add(-1, Connection("active"));
        counter.Add(1, Connection("idle"));
    }

    private static TagList Connection(string state) => new()
    {
        { "http.connection.state", state },
        { "network.peer.address", "127.0.0.1" },
        { "network.protocol.version", "1.1" },
        { "server.address", "127.0.0.1" },
        { "server.port", 8080 },
        { "url.scheme", "http" },
    };

    private sealed class NoExport : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
