using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Telemetry;

/// <summary>
/// The gateway's one <see cref="ActivitySource"/> and <see cref="Meter"/>, and the instruments on it
/// (STYLE.md §9). Everything is created once; the request path only records.
/// </summary>
internal sealed class GatewayInstrumentation : IDisposable
{
    public const string Name = "Gateway";

    /// <summary>The semconv's advice for MCP duration histograms (gen-ai/mcp.md, metrics).</summary>
    private static readonly double[] s_durationBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private readonly Meter _meter;

    public GatewayInstrumentation(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        OperationDuration = _meter.CreateHistogram<double>("mcp.server.operation.duration", unit: "s",
            description: "Duration of an MCP request or notification as observed by the gateway, from receipt until the response or acknowledgement is sent.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        SessionDuration = _meter.CreateHistogram<double>("mcp.server.session.duration", unit: "s",
            description: "Duration of an MCP session as observed by the gateway, from the initialize response that opened it until the client deleted it or the upstream ended it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        Rejections = _meter.CreateCounter<long>("gateway.mcp.rejections", unit: "{message}",
            description: "MCP messages the gateway refused, by reason (authentication, framing, session, credential).");
        UpstreamErrors = _meter.CreateCounter<long>("gateway.upstream.errors", unit: "{error}",
            description: "Upstream failures by kind (unreachable, timeout, credential rejected, server not found).");
        OpenEventStreams = _meter.CreateUpDownCounter<long>("gateway.sse.streams.open", unit: "{stream}",
            description: "SSE responses currently being relayed.");
        RelayedBytes = _meter.CreateCounter<long>("gateway.relay.bytes", unit: "By",
            description: "Response bytes relayed from the upstream to clients.");
        TokenRefreshes = _meter.CreateCounter<long>("gateway.token.refreshes", unit: "{refresh}",
            description: "Upstream token requests (refresh, client credentials) by outcome: succeeded, invalid_grant, transient, refused, store_failed.");
    }

    public ActivitySource ActivitySource { get; } = new(Name);

    public Histogram<double> OperationDuration { get; }

    public Histogram<double> SessionDuration { get; }

    public Counter<long> Rejections { get; }

    public Counter<long> UpstreamErrors { get; }

    public UpDownCounter<long> OpenEventStreams { get; }

    public Counter<long> RelayedBytes { get; }

    public Counter<long> TokenRefreshes { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
