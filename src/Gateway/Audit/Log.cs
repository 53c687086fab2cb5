namespace Gateway.Audit;

/// <summary>Audit log events, EventIds 5000–5999.</summary>
internal static partial class Log
{
    /// <summary>The audit record itself (category <c>Gateway.Audit</c>); <c>AuditRecord</c> is the record's JSON.</summary>
    [LoggerMessage(EventId = 5001, EventName = "AuditRecord", Level = LogLevel.Information,
        Message = "Audit {AuditEventName} by {PrincipalId} ({AuditEventId}): {AuditRecord}")]
    public static partial void WriteAuditRecord(this ILogger logger, string auditEventName, string principalId, Guid auditEventId, AuditRecordJson auditRecord);

    [LoggerMessage(EventId = 5002, EventName = "AuditRecordsDropped", Level = LogLevel.Warning,
        Message = "Dropped {Count} audit records ({Total} in all): the JSON lines writer could not keep up or failed. Raise Gateway:Audit:QueueCapacity or check the sink.")]
    public static partial void AuditRecordsDropped(this ILogger logger, long count, long total);

    [LoggerMessage(EventId = 5003, EventName = "AuditWriteFailed", Level = LogLevel.Error,
        Message = "Writing audit records to {Sink} failed ({ExceptionType}).")]
    public static partial void AuditWriteFailed(this ILogger logger, string sink, string exceptionType);

    [LoggerMessage(EventId = 5004, EventName = "AuditSinkFailed", Level = LogLevel.Error,
        Message = "Audit sink {Sink} failed ({ExceptionType}); the record was not written there.")]
    public static partial void AuditSinkFailed(this ILogger logger, string sink, string exceptionType);

    [LoggerMessage(EventId = 5005, EventName = "AuditRecordFailed", Level = LogLevel.Error,
        Message = "Building an audit record failed ({ExceptionType}); the message was not audited.")]
    public static partial void AuditRecordFailed(this ILogger logger, string exceptionType);
}
