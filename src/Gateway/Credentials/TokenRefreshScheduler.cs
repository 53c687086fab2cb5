namespace Gateway.Credentials;

/// <summary>
/// Loads the grant at start-up and refreshes it ahead of expiry (<c>RefreshBefore</c>), so requests
/// find a fresh token in memory. After a failure it waits out the backoff; for a grant that needs an
/// operator it re-reads the store now and then, to notice a reconnect made through another replica.
/// Sleeps on the injected <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class TokenRefreshScheduler(OAuthUpstreamCredentialProvider credentials, Microsoft.Extensions.Options.IOptions<UpstreamCredentialOptions> options, TimeProvider time)
    : BackgroundService
{
    private static readonly TimeSpan s_maxSleep = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await credentials.RefreshAsync(rejectedToken: null).WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = credentials.Changed;
            var snapshot = credentials.Current;
            var now = time.GetUtcNow();
            var wake = snapshot.State switch
            {
                GrantState.Connected or GrantState.Unknown when snapshot.NextRefreshAt is { } next => next,
                GrantState.NotConnected when snapshot.NextRefreshAt is { } next && snapshot.Failures > 0 => next,
                _ => now + options.Value.ReconnectCheckInterval,
            };
            var sleep = wake - now;
            if (sleep > TimeSpan.Zero)
            {
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var timer = Task.Delay(sleep < s_maxSleep ? sleep : s_maxSleep, time, delay.Token);
                var first = await Task.WhenAny(timer, changed);
                await delay.CancelAsync();
                if (first == changed)
                {
                    continue; // A connect, a request-driven refresh or a failure changed the plan.
                }

                stoppingToken.ThrowIfCancellationRequested();
                if (time.GetUtcNow() < wake)
                {
                    continue; // Capped sleep: not yet time.
                }
            }

            await credentials.RefreshAsync(rejectedToken: null).WaitAsync(stoppingToken);
        }
    }
}
