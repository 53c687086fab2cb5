using Gateway.Proxy;

namespace Gateway.UnitTests.Proxy;

public sealed class UpstreamEndpointAdvisorTests
{
    [Theory]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.2/sandbox/subject-all", "https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.2/platform/sobject-reads", "https://api.salesforce.com/platform/mcp/v1/platform/sobject-reads")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.2/sandbox/platform/sobject-all", "https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.2/sobject-all", "https://api.salesforce.com/platform/mcp/v1/platform/sobject-all")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.1/sobject-mutations", "https://api.salesforce.com/platform/mcp/v1/platform/sobject-mutations")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.2/custom/myserver", "https://api.salesforce.com/platform/mcp/v1/custom/myserver")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1-beta.2/sandbox/custom/myserver", "https://api.salesforce.com/platform/mcp/v1/sandbox/custom/myserver")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/sandbox/platform/subject-all", "https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/subject-all", "https://api.salesforce.com/platform/mcp/v1/platform/sobject-all")]
    [InlineData("https://API.Salesforce.com/platform/mcp/v1-beta.2/platform/sobject-reads", "https://api.salesforce.com/platform/mcp/v1/platform/sobject-reads")]
    public void SuggestGaEndpoint_BetaOrMisspelledUrl_ReturnsTheGaForm(string endpoint, string expected)
    {
        var suggestion = UpstreamEndpointAdvisor.SuggestGaEndpoint(new Uri(endpoint));

        Assert.NotNull(suggestion);
        Assert.Equal(expected, suggestion.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/platform/sobject-all")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/platform/sobject-reads")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/sandbox/custom/myserver")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/custom/myserver")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/analytics/tableau-next")]
    [InlineData("https://api.salesforce.com/platform/mcp/v1/d/idcapture/platform/sobject-reads")]
    public void SuggestGaEndpoint_GaUrl_ReturnsNull(string endpoint)
    {
        Assert.Null(UpstreamEndpointAdvisor.SuggestGaEndpoint(new Uri(endpoint)));
    }

    [Theory]
    [InlineData("https://mcp.example.com/platform/mcp/v1-beta.2/sandbox/subject-all")]
    [InlineData("http://127.0.0.1:5000/mcp")]
    [InlineData("https://api.salesforce.com.evil.example/platform/mcp/v1-beta.2/sobject-all")]
    [InlineData("https://login.salesforce.com/platform/mcp/v1-beta.2/sobject-all")]
    public void SuggestGaEndpoint_NonSalesforceHost_ReturnsNull(string endpoint)
    {
        Assert.Null(UpstreamEndpointAdvisor.SuggestGaEndpoint(new Uri(endpoint)));
    }

    [Theory]
    [InlineData("https://api.salesforce.com/")]
    [InlineData("https://api.salesforce.com/services/data/v62.0")]
    [InlineData("https://api.salesforce.com/platform/mcp")]
    [InlineData("https://api.salesforce.com/platform/mcp/v2/platform/sobject-all")]
    public void SuggestGaEndpoint_SalesforceHostButNotAnMcpPath_ReturnsNull(string endpoint)
    {
        Assert.Null(UpstreamEndpointAdvisor.SuggestGaEndpoint(new Uri(endpoint)));
    }

    [Fact]
    public void SuggestGaEndpoint_DefaultEndpoint_IsTheBetaUrlAndGetsASuggestion()
    {
        var suggestion = UpstreamEndpointAdvisor.SuggestGaEndpoint(new UpstreamOptions().Endpoint);

        Assert.Equal("https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all", suggestion?.AbsoluteUri);
    }
}
