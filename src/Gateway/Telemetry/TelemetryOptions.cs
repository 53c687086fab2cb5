namespace Gateway.Telemetry;

/// <summary>
/// Where telemetry goes (<c>Gateway:Telemetry</c>). OTLP export follows the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and <c>OTEL_SERVICE_NAME</c>
/// environment variables and is on exactly when the endpoint variable is set.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Gateway:Telemetry";

    /// <summary>Also write traces and metrics to the console (for local debugging). Default <see langword="false"/>.</summary>
    public bool ConsoleExporter { get; set; }

    /// <summary>The service name on every span, metric and log record, unless OTEL_SERVICE_NAME says otherwise. Default <c>mcp-gateway</c>.</summary>
    public string ServiceName { get; set; } = "mcp-gateway";
}
