using Gateway.Health;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Health;

public sealed class HealthOptionsValidatorTests
{
    [Theory]
    [InlineData(5000, 10_000)]
    [InlineData(1, 0)]
    [InlineData(60_000, 3_600_000)]
    public void Validate_ValidSettings_Succeeds(int probeTimeoutMs, int cacheMs)
    {
        var result = Validate(new HealthOptions { ProbeTimeout = TimeSpan.FromMilliseconds(probeTimeoutMs), ProbeCacheDuration = TimeSpan.FromMilliseconds(cacheMs) });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(Validate(new HealthOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0, 0, "Gateway:Health:ProbeTimeout")]
    [InlineData(-1, 0, "Gateway:Health:ProbeTimeout")]
    [InlineData(60_001, 0, "Gateway:Health:ProbeTimeout")]
    [InlineData(5000, -1, "Gateway:Health:ProbeCacheDuration")]
    public void Validate_InvalidKey_FailsNamingTheKey(int probeTimeoutMs, int cacheMs, string key)
    {
        var result = Validate(new HealthOptions { ProbeTimeout = TimeSpan.FromMilliseconds(probeTimeoutMs), ProbeCacheDuration = TimeSpan.FromMilliseconds(cacheMs) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(HealthOptions options) => new HealthOptionsValidator().Validate(null, options);
}
