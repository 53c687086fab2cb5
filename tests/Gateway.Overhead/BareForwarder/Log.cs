using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Overhead.BareForwarder;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "ForwardingFailed", Level = LogLevel.Warning,
        Message = "Forwarding to the upstream failed: {ForwarderError}.")]
    public static partial void ForwardingFailed(this ILogger logger, ForwarderError forwarderError, Exception? exception);
}
