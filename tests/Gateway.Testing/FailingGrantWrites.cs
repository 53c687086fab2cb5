using Gateway.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gateway.Testing;

/// <summary>
/// An EF Core interceptor (register it as <see cref="IInterceptor"/>) that fails every write of a
/// refreshed grant while <see cref="Armed"/>, as a full disk or a database failing over would.
/// </summary>
public sealed class FailingGrantWrites : SaveChangesInterceptor
{
    private int _failed;
    private volatile bool _armed;

    public bool Armed
    {
        get => _armed;
        set => _armed = value;
    }

    public int Failed => Volatile.Read(ref _failed);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Armed && eventData.Context!.ChangeTracker.Entries<UpstreamGrant>().Any(static e => e.Entity.LastRefreshOutcome == "succeeded"))
        {
            Interlocked.Increment(ref _failed);
            throw new DbUpdateException("Simulated storage failure.");
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }
}
