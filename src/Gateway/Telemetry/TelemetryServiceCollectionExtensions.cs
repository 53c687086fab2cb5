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
    /// ASP.NET Core 10's switch for the HTTP server span's semantic-convention attributes, which the framework
    /// can set itself; on by default (attributes suppressed) until ASP.NET Core 11.
    /// </summary>
    private const string SuppressAspNetCoreActivityDataSwitch = "Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData";

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

        // Turns on ASP.NET Core 10's own HTTP server span attributes (ASP.NET Core 11's default): the framework
        // sets those known as it creates the span (method, scheme, host, port, path, User-Agent; a sampler sees
        // them), and HttpServerSpanMiddleware adds route, status and name at the end. Only with tracing on: with
        // it off the span is not recorded, and the framework would build the attributes for nothing. A value
        // the operator set (runtimeconfig.json) is left as it is.
        if (!AppContext.TryGetSwitch(SuppressAspNetCoreActivityDataSwitch, out _))
        {
            AppContext.SetSwitch(SuppressAspNetCoreActivityDataSwitch, false);
        }

        // First in the pipeline, before routing, so that it sees every request and its outcome.
        builder.Services.AddTransient<IStartupFilter, HttpServerSpanStartupFilter>();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                // ASP.NET Core's and HttpClient's own sources: since .NET 9 HttpClient starts the CLIENT span with
                // the semantic conventions' attributes and injects traceparent itself, and ASP.NET Core 10 the
                // SERVER span with its request attributes (see above). OpenTelemetry's instrumentation libraries
                // for both would add a DiagnosticListener subscription on top, whose per-request callbacks,
                // payload objects and propagator calls were among the largest costs in a profile of the request
                // path (the server side's 0.30 µs a request more than the middleware: HttpServerSpanBenchmarks).
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
