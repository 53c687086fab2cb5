using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Gateway.IntegrationTests.Credentials;

/// <summary>
/// The refresh counter as OpenTelemetry exports it. Its meter provider listens to every meter named
/// <c>Gateway</c> in the process, whichever host created it, so a refresh by another test's gateway
/// running at the same time would be counted here too: these run alone (STYLE.md, global listeners).
/// </summary>
[Collection(nameof(GlobalListeners))]
public sealed class RefreshMetricsTests
{
    [Fact]
    public async Task Refreshes_AreCountedByOutcome()
    {
        var metrics = new List<Metric>();
        using var gateway = new OAuthGateway(settings: new Dictionary<string, string?> { ["Gateway:Telemetry:Enabled"] = "true" },
            configureServices: services => services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)));
        await gateway.ConnectSucceedsAsync();
        gateway.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var refreshed = await gateway.ToolsCallAsync();
        gateway.Stub.RevokeGrant();
        gateway.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var refused = await gateway.ToolsCallAsync();

        gateway.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var counter = Assert.Single(metrics, static m => m.Name == "gateway.token.refreshes");
        var outcomes = new Dictionary<string, long>();
        foreach (ref readonly var point in counter.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "outcome")
                {
                    outcomes[(string)tag.Value!] = point.GetSumLong();
                }
            }
        }

        Assert.Equal(1, outcomes["succeeded"]);
        Assert.Equal(1, outcomes["invalid_grant"]);
    }
}
