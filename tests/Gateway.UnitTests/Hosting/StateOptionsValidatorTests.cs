using Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Hosting;

public sealed class StateOptionsValidatorTests
{
    [Theory]
    [InlineData("data")]
    [InlineData("/var/lib/gateway")]
    public void Validate_Directory_Succeeds(string directory)
    {
        Assert.True(Validate(new StateOptions { DataDirectory = directory }).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void Validate_NoDirectory_FailsNamingTheKey(string? directory)
    {
        var result = Validate(new StateOptions { DataDirectory = directory! });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith("Gateway:State:DataDirectory ", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(StateOptions options) => new StateOptionsValidator().Validate(null, options);
}
