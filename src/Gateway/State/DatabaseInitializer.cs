using Microsoft.EntityFrameworkCore;

namespace Gateway.State;

/// <summary>
/// Creates or migrates the schema before anything else starts: Data Protection reads its keys from
/// this database, so the tables must exist before the first key is needed. Replicas starting together
/// are safe: EF Core takes a database-wide migration lock (EF Core 9 "Migrations locking").
/// </summary>
internal sealed partial class DatabaseInitializer(GatewayDatabase database, ILogger<DatabaseInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var context = database.CreateContext();
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        Log.DatabaseReady(logger, database.Provider, pending.Count);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
