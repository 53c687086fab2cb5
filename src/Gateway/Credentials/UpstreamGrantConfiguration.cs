using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Credentials;

internal sealed class UpstreamGrantConfiguration : IEntityTypeConfiguration<UpstreamGrant>
{
    public void Configure(EntityTypeBuilder<UpstreamGrant> grant)
    {
        grant.ToTable("upstream_grants");
        grant.HasKey(static g => g.Id);
        grant.Property(static g => g.Id).HasMaxLength(200);
        grant.Property(static g => g.ExpirySource).HasMaxLength(32);
        grant.Property(static g => g.InstanceUrl).HasMaxLength(2000);
        grant.Property(static g => g.IdentityUrl).HasMaxLength(2000);
        grant.Property(static g => g.UserId).HasMaxLength(64);
        grant.Property(static g => g.OrganizationId).HasMaxLength(64);
        grant.Property(static g => g.Scope).HasMaxLength(2000);
        grant.Property(static g => g.ReconnectReason).HasMaxLength(2000);
        grant.Property(static g => g.LastRefreshOutcome).HasMaxLength(32);
        grant.Property(static g => g.Version).IsConcurrencyToken();
    }
}
