using Microsoft.EntityFrameworkCore;

namespace SalesforceStandIn;

/// <summary>OpenIddict's entities for one stand-in, in an in-memory database of its own.</summary>
internal sealed class AuthorityDbContext(DbContextOptions<AuthorityDbContext> options) : DbContext(options);
