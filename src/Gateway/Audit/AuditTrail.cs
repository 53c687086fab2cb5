using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// The audit step's one entry point: builds the record for a completed (or refused) message and hands it
/// to every sink. Never throws into the request path; a failure is logged and the request goes on.
/// </summary>
internal sealed class AuditTrail(AuditRecordFactory factory, IEnumerable<IAuditSink> sinks, IOptions<AuditOptions> options, ILogger<AuditTrail> logger)
{
    private readonly IAuditSink[] _sinks = [.. sinks];

    /// <summary>Whether <see cref="Record"/> writes anything; check it before gathering an expensive input.</summary>
    public bool IsEnabled => options.Value.Enabled && _sinks.Length > 0;

    /// <summary>Builds and writes the record; returns it, or <see langword="null"/> when auditing is off or building failed.</summary>
    public AuditRecord? Record(AuditEventInput input)
    {
        if (!IsEnabled)
        {
            return null;
        }

        AuditRecord record;
        try
        {
            record = factory.Create(input);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An audit bug must not fail the MCP exchange it describes.
            logger.AuditRecordFailed(ex.GetType().Name);
            return null;
        }

        foreach (var sink in _sinks)
        {
            try
            {
                sink.Write(record);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.AuditSinkFailed(sink.GetType().Name, ex.GetType().Name);
            }
        }

        return record;
    }
}
