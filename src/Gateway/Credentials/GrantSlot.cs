namespace Gateway.Credentials;

/// <summary>
/// One grant's in-process state: the published snapshot, the refresh in flight (so concurrent callers
/// share one), and a token response that Salesforce issued but the store refused.
/// </summary>
internal sealed class GrantSlot(string grantId)
{
    private readonly Lock _gate = new();
    private GrantSnapshot _snapshot = GrantSnapshot.Unknown;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<GrantSnapshot>? _inflight;

    public string GrantId { get; } = grantId;

    public GrantSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>
    /// A successful token response the store failed to keep, with the row version it was based on. With
    /// rotation on, its refresh token is the only valid one: it is stored on the next attempt instead of
    /// sending the rotated-out one again (which would make Salesforce revoke the grant, domain.md §2.3).
    /// </summary>
    public (SalesforceTokens Tokens, long BaseVersion)? Pending { get; set; }

    /// <summary>Completes at the next <see cref="Publish"/>.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public GrantSnapshot Publish(GrantSnapshot snapshot)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            Volatile.Write(ref _snapshot, snapshot);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return snapshot;
    }

    /// <summary>Joins the refresh in flight, or starts <paramref name="refresh"/> as the one every caller shares.</summary>
    public Task<GrantSnapshot> RunSingleFlight(Func<Task<GrantSnapshot>> refresh)
    {
        lock (_gate)
        {
            if (_inflight is { IsCompleted: false } running)
            {
                return running;
            }

            // Started outside the caller's context and cancellation: one caller giving up must not
            // cancel the refresh the others wait for.
            _inflight = Task.Run(refresh);
            return _inflight;
        }
    }
}
