namespace Gateway.Inbound;

/// <summary>Inbound authentication log events, EventIds 6000–6999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6001, EventName = "InboundCredentialRejected", Level = LogLevel.Information,
        Message = "Rejected an MCP request: its {CredentialKind} matched no configured credential.")]
    public static partial void InboundCredentialRejected(this ILogger logger, InboundCredentialKind credentialKind);
}
