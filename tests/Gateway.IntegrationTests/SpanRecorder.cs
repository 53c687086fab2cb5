using System.Diagnostics;
using OpenTelemetry;

namespace Gateway.IntegrationTests;

/// <summary>
/// Records ended spans and lets a test await one. A server span ends after the response has
/// reached the client (ASP.NET Core stops it when it disposes the request context), so reading an
/// exporter's list right after the response races the server; awaiting the span does not.
/// </summary>
internal sealed class SpanRecorder : BaseProcessor<Activity>
{
    private readonly Lock _gate = new();
    private readonly List<Activity> _spans = [];
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Ended)> _waiters = [];

    /// <summary>The spans that have ended so far.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_gate)
            {
                return [.. _spans];
            }
        }
    }

    public override void OnEnd(Activity data)
    {
        lock (_gate)
        {
            _spans.Add(data);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(data))
                {
                    _waiters[i].Ended.TrySetResult(data);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>The first span matching <paramref name="match"/>, once it has ended.</summary>
    public Task<Activity> WaitForAsync(Func<Activity, bool> match, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var ended = _spans.Find(s => match(s));
            if (ended is not null)
            {
                return Task.FromResult(ended);
            }

            var waiter = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, waiter));
            return waiter.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}
