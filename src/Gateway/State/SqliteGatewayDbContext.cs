using Microsoft.EntityFrameworkCore;

namespace Gateway.State;

/// <summary>
/// The embedded default. One node only: SQLite has no lock another process could share, so the
/// in-process single flight is the only refresh lock (README "State").
/// </summary>
internal sealed class SqliteGatewayDbContext(DbContextOptions<SqliteGatewayDbContext> options) : GatewayDbContext(options)
{
    public override Task LockGrantAsync(string grantId, CancellationToken cancellationToken) => Task.CompletedTask;
}
