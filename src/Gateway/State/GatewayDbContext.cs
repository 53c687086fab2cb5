using Gateway.Authorization;
using Gateway.Credentials;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Gateway.State;

/// <summary>
/// Everything that must outlive a process (DESIGN.md "State"): upstream grants, the authorization
/// server's clients, consents and tokens, and the Data Protection keys that encrypt them, so every replica reading this database can read every grant.
/// One subclass per provider carries that provider's migrations.
/// </summary>
internal abstract class GatewayDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<UpstreamGrant> UpstreamGrants => Set<UpstreamGrant>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The authorization server's signing and encryption keys, sealed by Data Protection.</summary>
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    /// <summary>
    /// Serialises token refreshes of one grant across every process using this database, until the
    /// current transaction ends. Callers hold a transaction.
    /// </summary>
    public abstract Task LockGrantAsync(string grantId, CancellationToken cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new UpstreamGrantConfiguration());
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.Entity<SigningKey>(key =>
        {
            key.ToTable("authorization_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
        });

        // The authorization server's clients, authorizations (remembered consent), scopes and tokens,
        // in the same database: every replica sees every client and can revoke every token.
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("oauth_applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oauth_authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("oauth_scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("oauth_tokens");
    }
}
