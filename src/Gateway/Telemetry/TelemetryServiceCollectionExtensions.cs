using Gateway.Hosting;
using Gateway.Proxy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The ActivitySource and Meter name of System.Net.Http's built-in instrumentation.</summary>
    private const string HttpClientSource = "System.Net.Http";

    /// <summary>The ActivitySource of ASP.NET Core's HTTP server span (hosting's <c>HttpRequestIn</c>).</summary>
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>
    /// ASP.NET Core 10's switch for the HTTP server span's request attributes, which the framework can set
    /// itself as it creates the span: suppressed by default until ASP.NET Core 11, and suppressed by the gateway
    /// (<see cref="HttpServerSpanMiddleware"/> sets them as the request ends, for less).
    /// </summary>
    internal const string SuppressAspNetCoreActivityDataSwitch = "Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData";

    /// <summary>
    /// HTTP instruments that record on every request besides the request-duration histograms, dropped
    /// unless <see cref="TelemetryOptions.DetailedHttpMetrics"/>: each records once to four times per MCP
    /// message, together over 0.5 µs of CPU (<c>TelemetryBenchmarks</c> measures three of them: the
    /// connection-state pairs 0.35 µs, each active-requests pair 0.09 µs; the other two record once
    /// each), for figures the duration histograms' counts mostly give already.
    /// </summary>
    private static readonly string[] s_perRequestHttpInstruments =
    [
        "http.server.active_requests",
        "aspnetcore.routing.match_attempts",
        "http.client.active_requests",
        "http.client.request.time_in_queue",
        "http.client.open_connections",
    ];

    /// <summary>
    /// OpenTelemetry traces, metrics and logs: the gateway's own source and meter, ASP.NET Core and
    /// HttpClient instrumentation (both spans are built into .NET: the HTTP server span is completed by
    /// <see cref="HttpServerSpanMiddleware"/>, which leaves health routes untraced; the upstream call is the
    /// CLIENT child span and carries <c>traceparent</c>). Exporters only here (STYLE.md §9): OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, console on request.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.SectionName);
        builder.Services.TryAddSingleton<GatewayInstrumentation>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMcpExchangeObserver, McpTelemetryObserver>());

        // Which providers and exporters exist is decided once, at start-up, from configuration.
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!(options.Enabled ?? (otlp || options.ConsoleExporter)))
        {
            return builder;
        }

        // Keeps ASP.NET Core from building the HTTP server span's request attributes as it creates the span (ASP.NET
        // Core 10's default; 11 turns them on): HttpServerSpanMiddleware sets the same attributes as the request ends,
        // for 0.2–0.5 µs and 0.2 KB a request less (HttpServerSpanBenchmarks). The conventions (http-spans.md) ask for
        // them at creation only so that a sampler can read them, and no sampler the gateway can be given
        // (OTEL_TRACES_SAMPLER) does. A value the operator set (runtimeconfig.json) is left as it is; the middleware
        // then adds only what the framework did not.
        if (!AppContext.TryGetSwitch(SuppressAspNetCoreActivityDataSwitch, out _))
        {
            AppContext.SetSwitch(SuppressAspNetCoreActivityDataSwitch, true);
        }

        // First in the pipeline, before routing, so that it sees every request and its outcome.
        builder.Services.AddTransient<IStartupFilter, HttpServerSpanStartupFilter>();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                // ASP.NET Core's and HttpClient's own sources: since .NET 9 HttpClient starts the CLIENT span with
                // the semantic conventions' attributes and injects traceparent itself, and ASP.NET Core 10 the
                // SERVER span, which HttpServerSpanMiddleware completes (see above). OpenTelemetry's
                // instrumentation libraries for both would add a DiagnosticListener subscription on top, whose
                // per-request callbacks, payload objects and propagator calls were among the largest costs in a
                // profile of the request path (HttpServerSpanBenchmarks: about 0.6 µs a request more on the server).
                // W3C trace context and baggage are read by ASP.NET Core itself (DistributedContextPropagator).
                tracing.AddSource(GatewayInstrumentation.Name, AspNetCoreSource, HttpClientSource);
                if (options.ConsoleExporter)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                // HttpClient's meters, as OpenTelemetry's HttpClient instrumentation adds them on .NET 8 and later.
                metrics.AddMeter(GatewayInstrumentation.Name, HttpClientSource, "System.Net.NameResolution")
                    .AddAspNetCoreInstrumentation();
                if (!options.DetailedHttpMetrics)
                {
                    // A dropped instrument is never enabled, so the framework does not even build its tags.
                    foreach (var instrument in s_perRequestHttpInstruments)
                    {
                        metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                    }
                }

                if (options.ConsoleExporter)
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithLogging();

        if (otlp)
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    private sealed class HttpServerSpanStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<HttpServerSpanMiddleware>();
            next(app);
        };
    }
}
