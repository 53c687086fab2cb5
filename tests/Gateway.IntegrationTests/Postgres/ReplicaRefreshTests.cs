using System.Net;
using Gateway.IntegrationTests.Credentials;
using Gateway.Testing;

namespace Gateway.IntegrationTests.Postgres;

/// <summary>
/// Two gateway instances on one real PostgreSQL, one Salesforce (rotation on, reuse detection on):
/// however the load falls on them, each expiry costs exactly one refresh, and no rotated-out refresh
/// token is ever replayed (which Salesforce would punish by revoking the grant, domain.md §2.3).
/// </summary>
public sealed class ReplicaRefreshTests
{
    [Fact]
    public async Task TwoInstances_OnePostgreSql_ExactlyOneRefreshPerExpiry_WithRotationAndNoInvalidGrant()
    {
        var settings = await OnAFreshDatabaseAsync();
        var time = new TimerWatchingTimeProvider(DateTimeOffset.UtcNow);
        using var stub = new SalesforceOAuthStub(time);
        using var first = new OAuthGateway(settings: settings, stub: stub, time: time);
        await first.ConnectSucceedsAsync();
        // Started after the connect: it reads the grant, and the key ring that seals it, from the database.
        using var second = new OAuthGateway(settings: settings, stub: stub, time: time);

        for (var expiry = 1; expiry <= 3; expiry++)
        {
            time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            var calls = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? first : second).ToolsCallAsync()));

            Assert.All(calls, static c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
            Assert.Equal(expiry, stub.Refreshes);
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }

        Assert.Equal(0, stub.ReuseDetections);
        Assert.Equal(0, stub.InvalidGrants);
        Assert.Equal(3, stub.PresentedRefreshTokens.Distinct().Count());
        // Both instances called upstream with each new token: the one that did not refresh adopted it.
        var latest = stub.IssuedAccessTokens[^1];
        Assert.Contains(latest, first.UpstreamTokens);
        Assert.Contains(latest, second.UpstreamTokens);
        Assert.Equal(1, stub.CodeExchanges);
    }

    [Fact]
    public async Task ReconnectOnOneInstance_RestoresTheOther_WithoutARestart()
    {
        var settings = await OnAFreshDatabaseAsync();
        var time = new TimerWatchingTimeProvider(DateTimeOffset.UtcNow);
        using var stub = new SalesforceOAuthStub(time);
        using var first = new OAuthGateway(settings: settings, stub: stub, time: time);
        using var second = new OAuthGateway(settings: settings, stub: stub, time: time);
        await first.ConnectSucceedsAsync();
        stub.RevokeGrant();
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var refusedFirst = await first.ToolsCallAsync();
        using var refusedSecond = await second.ToolsCallAsync();

        await first.ConnectSucceedsAsync();
        using var stillRefused = await second.ToolsCallAsync();
        // Once ReconnectCheckInterval (15 s) has passed, the second instance re-reads the store.
        time.Advance(TimeSpan.FromSeconds(16));
        using var restored = await second.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedFirst.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedSecond.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillRefused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(1, stub.InvalidGrants);
        Assert.Equal(1, stub.Refreshes);
    }

    private static async Task<Dictionary<string, string?>> OnAFreshDatabaseAsync() => new()
    {
        ["Gateway:State:Provider"] = "PostgreSql",
        ["Gateway:State:ConnectionString"] = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync(),
    };
}
