using Gateway.Hosting;
using Gateway.Proxy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit trail (<c>Gateway:Audit</c>): validated options, the record factory, and the sinks the
    /// options ask for — OpenTelemetry log records (category <c>Gateway.Audit</c>) and JSON lines on
    /// standard output or in a file. The request path calls <c>AuditTrail.Record</c> once per message.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAudit(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditRecordFactory>();
        builder.Services.TryAddSingleton<ToolAnnotationCatalog>();
        builder.Services.TryAddSingleton<AuditTrail>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMcpExchangeObserver, AuditExchangeObserver>());

        // Which sinks exist is decided at composition; the values they use are validated at start-up.
        var options = builder.Configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>() ?? new AuditOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        if (options.LogRecords)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, LoggerAuditSink>());
        }

        if (options.Sink != AuditSinkKind.None)
        {
            builder.Services.TryAddSingleton(static services => JsonLinesAuditSink.Create(
                services.GetRequiredService<IOptions<AuditOptions>>().Value,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<JsonLinesAuditSink>>()));
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, JsonLinesAuditSink>(static services => services.GetRequiredService<JsonLinesAuditSink>()));
        }

        // The JSON lines sink is the console's form of the audit trail; the console logger's human-readable
        // copy of the same record would only interleave with it.
        builder.Logging.AddFilter<ConsoleLoggerProvider>(LoggerAuditSink.CategoryName, LogLevel.None);
        return builder;
    }
}
