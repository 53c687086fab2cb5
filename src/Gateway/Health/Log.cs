namespace Gateway.Health;

/// <summary>Health log events, EventIds 4000–4999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, EventName = "UpstreamProbeFailed", Level = LogLevel.Warning,
        Message = "The readiness probe of the upstream failed with {ExceptionType}.")]
    public static partial void UpstreamProbeFailed(this ILogger logger, string exceptionType);
}
