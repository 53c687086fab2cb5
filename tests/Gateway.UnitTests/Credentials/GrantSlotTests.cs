using Gateway.Credentials;

namespace Gateway.UnitTests.Credentials;

public sealed class GrantSlotTests
{
    [Fact]
    public async Task ConcurrentCallers_ShareOneRefresh_AndANewOneStartsAfterItEnds()
    {
        var slot = new GrantSlot("service-account");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        async Task<GrantSnapshot> Refresh()
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return GrantSnapshot.Unknown;
        }

        var callers = Enumerable.Range(0, 100).Select(_ => slot.RunSingleFlight(Refresh)).ToList();
        release.SetResult();
        await Task.WhenAll(callers);
        await slot.RunSingleFlight(Refresh);

        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Publish_CompletesChanged_AndReplacesTheSnapshot()
    {
        var slot = new GrantSlot("service-account");
        var changed = slot.Changed;
        var snapshot = new GrantSnapshot { State = GrantState.NotConnected };

        slot.Publish(snapshot);

        await changed.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Same(snapshot, slot.Snapshot);
        Assert.False(slot.Changed.IsCompleted);
    }
}
