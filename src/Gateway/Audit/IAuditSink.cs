namespace Gateway.Audit;

/// <summary>Where audit records go. Called on the request path: an implementation must not block on I/O.</summary>
internal interface IAuditSink
{
    void Write(AuditRecord record);
}
