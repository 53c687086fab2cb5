namespace Gateway.Audit;

/// <summary>
/// Writes each record as a log event (category <c>Gateway.Audit</c>, EventId 5001) whose
/// <c>AuditRecord</c> attribute is the record's JSON, for the OpenTelemetry log pipeline (OTLP) to export.
/// Kept apart from traces so retention can differ (STYLE.md §9).
/// </summary>
internal sealed class LoggerAuditSink(ILoggerFactory loggerFactory) : IAuditSink
{
    public const string CategoryName = "Gateway.Audit";

    private readonly ILogger _logger = loggerFactory.CreateLogger(CategoryName);

    public void Write(AuditRecord record)
    {
        // Serialize only when someone listens.
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.WriteAuditRecord(record.EventName, record.UserIdentity.PrincipalId, record.EventId, AuditJson.Serialize(record));
        }
    }
}
