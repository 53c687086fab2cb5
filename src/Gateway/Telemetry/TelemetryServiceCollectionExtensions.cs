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
    /// <summary>
    /// OpenTelemetry traces, metrics and logs: the gateway's own source and meter, ASP.NET Core and
    /// HttpClient instrumentation (the upstream call is the CLIENT child span and carries
    /// <c>traceparent</c>), health routes untraced. Exporters only here (STYLE.md §9): OTLP when
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

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(GatewayInstrumentation.Name)
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = static context => !context.Request.Path.StartsWithSegments("/healthz"))
                    .AddHttpClientInstrumentation();
                if (options.ConsoleExporter)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayInstrumentation.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
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
}
