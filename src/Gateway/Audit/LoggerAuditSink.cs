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
        // Serialized only when a logger provider formats it: an exporter does that on its own thread, in
        // its batch, so the request path pays for the log record and not for the JSON.
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.WriteAuditRecord(record.EventName, record.UserIdentity.PrincipalId, record.EventId, new AuditRecordJson(record));
        }
    }
}

/// <summary>An audit record as the value of a log attribute: its JSON, produced when first asked for.</summary>
internal sealed class AuditRecordJson(AuditRecord record)
{
    private string? _json;

    public override string ToString() => _json ??= AuditJson.Serialize(record);
}
