using Gateway.Audit;

namespace Gateway.UnitTests.Audit;

public sealed class ReadOnlyClassifierTests
{
    [Theory]
    [InlineData("initialize", null, true)]
    [InlineData("ping", null, true)]
    [InlineData("server/discover", null, true)]
    [InlineData("tools/list", null, true)]
    [InlineData("prompts/list", null, true)]
    [InlineData("prompts/get", null, true)]
    [InlineData("resources/list", null, true)]
    [InlineData("resources/templates/list", null, true)]
    [InlineData("resources/read", null, true)]
    [InlineData("completion/complete", null, true)]
    [InlineData("roots/list", null, true)]
    [InlineData("subscriptions/listen", null, true)]
    [InlineData("notifications/initialized", null, true)]
    [InlineData("notifications/cancelled", null, true)]
    [InlineData("notifications/progress", null, true)]
    [InlineData("notifications/roots/list_changed", null, true)]
    [InlineData("tools/call", true, true)]
    [InlineData("tools/call", false, false)]
    [InlineData("tools/call", null, false)]
    [InlineData("resources/subscribe", null, false)]
    [InlineData("resources/unsubscribe", null, false)]
    [InlineData("logging/setLevel", null, false)]
    [InlineData("sampling/createMessage", null, false)]
    [InlineData("vendor/doSomething", null, false)]
    [InlineData("Tools/List", null, false)]
    [InlineData(null, null, false)]
    public void IsReadOnly_Table(string? method, bool? readOnlyHint, bool expected)
    {
        Assert.Equal(expected, ReadOnlyClassifier.IsReadOnly(method, readOnlyHint));
    }

    [Fact]
    public void IsReadOnly_ReadOnlyHintOnOtherMethod_IsIgnored()
    {
        Assert.False(ReadOnlyClassifier.IsReadOnly("logging/setLevel", toolReadOnlyHint: true));
    }
}
