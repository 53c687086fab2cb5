using Gateway.Credentials;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gateway.State;

/// <summary>
/// Everything that must outlive a process (DESIGN.md "State"): upstream grants and the Data
/// Protection keys that encrypt them, so every replica reading this database can read every grant.
/// One subclass per provider carries that provider's migrations.
/// </summary>
internal abstract class GatewayDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<UpstreamGrant> UpstreamGrants => Set<UpstreamGrant>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Serialises token refreshes of one grant across every process using this database, until the
    /// current transaction ends. Callers hold a transaction.
    /// </summary>
    public abstract Task LockGrantAsync(string grantId, CancellationToken cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new UpstreamGrantConfiguration());
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}
