using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.State;

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

    [Fact]
    public void Validate_PostgreSqlWithoutConnectionString_FailsNamingTheKey()
    {
        var result = Validate(new StateOptions { Provider = StateProvider.PostgreSql });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith("Gateway:State:ConnectionString is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PostgreSqlWithConnectionString_Succeeds()
    {
        Assert.True(Validate(new StateOptions { Provider = StateProvider.PostgreSql, ConnectionString = "Host=127.0.0.1;Database=gateway" }).Succeeded);
    }

    private static ValidateOptionsResult Validate(StateOptions options) => new StateOptionsValidator().Validate(null, options);
}
