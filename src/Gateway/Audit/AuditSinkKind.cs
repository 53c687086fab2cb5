namespace Gateway.Audit;

/// <summary>Where the JSON lines form of the audit trail goes (<c>Gateway:Audit:Sink</c>).</summary>
public enum AuditSinkKind
{
    /// <summary>One JSON object per line on standard output, for a container log driver to collect.</summary>
    Stdout,

    /// <summary>One JSON object per line, appended to <see cref="AuditOptions.FilePath"/>.</summary>
    File,

    /// <summary>No JSON lines; the records still go to OpenTelemetry logs when <see cref="AuditOptions.LogRecords"/> is on.</summary>
    None,
}
