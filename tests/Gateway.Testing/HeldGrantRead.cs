using System.Data.Common;
using Gateway.Credentials;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Gateway.Testing;

/// <summary>
/// An EF Core interceptor (register it as <see cref="IInterceptor"/>) that holds the gateway's first read of its
/// grant at its very end: after the gateway has read the row and published what it found, while the refresh it
/// belongs to is still running, as a slow database or a paused process would. <see cref="Reached"/> completes
/// there; the read ends when <see cref="Release"/> is called.
/// </summary>
public sealed class HeldGrantRead : DbConnectionInterceptor
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    public override async ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        // The refresh closes its connection as it disposes its transaction, the grant row still tracked.
        if (eventData.Context?.ChangeTracker.Entries<UpstreamGrant>().Any() == true && Interlocked.Exchange(ref _held, 1) == 0)
        {
            _reached.TrySetResult();
            await _released.Task;
        }

        return result;
    }
}
