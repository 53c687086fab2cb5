using Microsoft.Extensions.Time.Testing;

namespace Gateway.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that lets a test await the moment code under test starts waiting
/// on a timer of this clock (a delay or a timeout), so it advances the clock only once there is a
/// timer to fire, instead of guessing with real sleeps.
/// </summary>
public sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<(TimeSpan MaxDue, TaskCompletionSource Created)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                // Infinite (-1 ms) timers are cancellation sources that never fire; they are not waits.
                if (dueTime > TimeSpan.Zero && dueTime <= _waiters[i].MaxDue)
                {
                    _waiters[i].Created.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return timer;
    }

    /// <summary>Completes when a timer due within <paramref name="maxDue"/> is created after this call.</summary>
    public Task WaitForTimerAsync(TimeSpan maxDue)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((maxDue, created));
        }

        return created.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
