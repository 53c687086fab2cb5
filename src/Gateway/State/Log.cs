namespace Gateway.State;

/// <summary>State log events: EventIds 7000–7099.</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Information, "State store {Provider} ready; {MigrationCount} migrations applied.")]
    public static partial void DatabaseReady(ILogger logger, StateProvider provider, int migrationCount);
}
