using System.Net;
using System.Text.Json;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests;

/// <summary>Health probes tell the truth about the upstream and its credential, without secrets and without authentication.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly WireMockServer _upstream = WireMockServer.Start();

    [Theory]
    [InlineData(400, "", HttpStatusCode.OK, "Healthy")]
    [InlineData(200, """{"jsonrpc":"2.0","id":"gateway-readiness","result":{}}""", HttpStatusCode.OK, "Healthy")]
    [InlineData(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", HttpStatusCode.ServiceUnavailable, "Unhealthy")]
    [InlineData(404, """{"error":{"code":404,"message":"Server definition not found for: sandbox/subject-all"}}""", HttpStatusCode.ServiceUnavailable, "Unhealthy")]
    [InlineData(503, "down", HttpStatusCode.ServiceUnavailable, "Unhealthy")]
    public async Task Ready_ReflectsTheUpstreamProbe(int upstreamStatus, string upstreamBody, HttpStatusCode expected, string upstreamCheck)
    {
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(upstreamStatus).WithBody(upstreamBody));
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        using var document = JsonDocument.Parse(text);
        var checks = document.RootElement.GetProperty("checks");
        Assert.Equal(upstreamCheck, checks.GetProperty("upstream").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("upstream-credential").GetProperty("status").GetString());
        Assert.DoesNotContain(TestCredentials.UpstreamToken, text, StringComparison.Ordinal);
        var probe = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal($"Bearer {TestCredentials.UpstreamToken}", probe.Headers!["Authorization"].ToString());
        if (upstreamStatus == 404)
        {
            Assert.Contains("Server definition not found", checks.GetProperty("upstream").GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ready_ReusesOneProbeWithinTheCacheDuration()
    {
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(400));
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken)));

        Assert.All(results, static r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(_upstream.LogEntries);
    }

    [Fact]
    public async Task Ready_ACredentialThatArrivesLater_IsProbedOnceTheCachedResultExpires()
    {
        // The sandbox's order: readiness is asked before the operator has connected the gateway.
        _upstream.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(400));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var credential = new SwitchableCredential();
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"), timeProvider: time, configureServices: services =>
        {
            services.RemoveAll<Gateway.Credentials.IUpstreamCredentialProvider>();
            services.AddSingleton<Gateway.Credentials.IUpstreamCredentialProvider>(credential);
        });
        using var client = gateway.CreateGatewayClient();

        using var before = await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        credential.Token = TestCredentials.UpstreamToken;
        time.Advance(TimeSpan.FromSeconds(11));
        using var after = await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Single(_upstream.LogEntries);
    }

    [Fact]
    public async Task Ready_UnreachableUpstream_IsUnhealthy()
    {
        using var gateway = new GatewayFactory(new Uri("http://127.0.0.1:9/mcp"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("could not be reached", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/startup")]
    public async Task LiveAndStartup_AnswerWithoutCredentials_AndWithoutProbingUpstream(string path)
    {
        using var gateway = new GatewayFactory(new Uri(_upstream.Url + "/mcp"));
        using var client = gateway.CreateGatewayClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("status").GetString());
        Assert.Empty(_upstream.LogEntries);
    }

    private sealed class SwitchableCredential : Gateway.Credentials.IUpstreamCredentialProvider
    {
        public string? Token { get; set; }

        public ValueTask<Gateway.Credentials.UpstreamCredentialResult> GetTokenAsync(Gateway.Inbound.GatewayPrincipal principal, CancellationToken cancellationToken) =>
            new(Token is { } token ? Gateway.Credentials.UpstreamCredentialResult.Success(token) : Gateway.Credentials.UpstreamCredentialResult.Failure("not connected yet"));

        public ValueTask<bool> RenewAsync(Gateway.Inbound.GatewayPrincipal principal, string rejectedToken, CancellationToken cancellationToken) => new(false);

        public Gateway.Credentials.UpstreamCredentialStatus Describe() => new(Token is not null, "Test", Token is null ? "not connected yet" : "connected");
    }

    public void Dispose()
    {
        _upstream.Stop();
        _upstream.Dispose();
    }
}
