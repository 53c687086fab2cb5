using Microsoft.EntityFrameworkCore;

namespace Gateway.State;

/// <summary>The scale-out store: replicas share grants and keys, and refresh under one advisory lock.</summary>
internal sealed class PostgresGatewayDbContext(DbContextOptions<PostgresGatewayDbContext> options) : GatewayDbContext(options)
{
    /// <summary>
    /// A transaction-scoped advisory lock keyed by the grant: a second replica refreshing the same
    /// grant waits here, then re-reads the row the first one committed (PostgreSQL docs §13.3.5).
    /// </summary>
    public override async Task LockGrantAsync(string grantId, CancellationToken cancellationToken) =>
        await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({grantId}, 7211))", cancellationToken);
}
