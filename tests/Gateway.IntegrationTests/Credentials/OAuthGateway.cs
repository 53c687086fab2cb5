using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Gateway.IntegrationTests.Credentials;

/// <summary>
/// A gateway in an OAuth upstream mode against <see cref="SalesforceOAuthStub"/>, with a fake clock and
/// an MCP upstream (WireMock) that records the bearer token of every call.
/// </summary>
internal sealed class OAuthGateway : IDisposable
{
    private readonly bool _ownsStub;

    public OAuthGateway(string mode = "ServiceAccount", IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null,
        SalesforceOAuthStub? stub = null, TimerWatchingTimeProvider? time = null)
    {
        Time = time ?? new TimerWatchingTimeProvider(DateTimeOffset.UtcNow);
        _ownsStub = stub is null;
        Stub = stub ?? new SalesforceOAuthStub(Time);
        // Priority 10: tests add their own answers at a higher priority (lower number).
        Upstream.Given(Request.Create().WithPath("/mcp").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"jsonrpc":"2.0","id":7,"result":{"content":[]}}"""));
        var all = new Dictionary<string, string?>
        {
            ["Gateway:Upstream:Credential:Mode"] = mode,
            ["Gateway:Upstream:Credential:StaticToken"] = null,
            ["Gateway:Upstream:Credential:LoginUrl"] = Stub.LoginUrl,
            ["Gateway:Upstream:Credential:ClientId"] = SalesforceOAuthStub.ClientId,
            ["Gateway:Upstream:Credential:ClientSecret"] = mode == "ClientCredentials" ? SalesforceOAuthStub.ClientSecret : null,
            ["Gateway:Upstream:Credential:RetryDelay"] = "00:00:01",
            ["Gateway:Upstream:Credential:Connect:Access"] = "AdminKey",
            ["Gateway:Upstream:Credential:Connect:AdminKeySha256:0"] = TestCredentials.Sha256Hex(TestCredentials.AdminKey),
            // The health probe would call the upstream; these tests count upstream calls themselves.
            ["Gateway:Health:ProbeUpstream"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Factory = new GatewayFactory(new Uri(Upstream.Url + "/mcp"), all, Time, configureServices: configureServices);
        Client = Factory.CreateGatewayClient();
    }

    public TimerWatchingTimeProvider Time { get; }

    public SalesforceOAuthStub Stub { get; }

    public WireMockServer Upstream { get; } = WireMockServer.Start();

    public GatewayFactory Factory { get; }

    public HttpClient Client { get; }

    /// <summary>The bearer tokens the MCP upstream received, in order.</summary>
    public List<string> UpstreamTokens => [.. Upstream.LogEntries.Select(static e => e.RequestMessage.Headers!["Authorization"].ToString()["Bearer ".Length..])];

    /// <summary>The operator's browser: /connect/salesforce, Salesforce's redirect back with a code, the callback.</summary>
    public async Task<HttpResponseMessage> ConnectAsync(string code = SalesforceOAuthStub.ValidCode, Func<string, string>? tamperState = null)
    {
        using var start = Admin(new HttpRequestMessage(HttpMethod.Get, "/connect/salesforce"));
        using var redirect = await Client.SendAsync(start, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var authorize = redirect.Headers.Location!;
        LastAuthorizeQuery = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Query).ToDictionary(static q => q.Key, static q => q.Value.ToString());
        var state = LastAuthorizeQuery["state"];
        var callback = $"/connect/salesforce/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(tamperState?.Invoke(state) ?? state)}";
        return await Client.SendAsync(Admin(new HttpRequestMessage(HttpMethod.Get, callback)), TestContext.Current.CancellationToken);
    }

    public Dictionary<string, string> LastAuthorizeQuery { get; private set; } = [];

    public async Task ConnectSucceedsAsync()
    {
        using var connected = await ConnectAsync();
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
    }

    public Task<HttpResponseMessage> ToolsCallAsync() => Client.SendAsync(McpRequests.Post(McpRequests.ToolsCall), TestContext.Current.CancellationToken);

    public async Task<(HttpStatusCode Status, JsonElement Credential)> ReadinessAsync()
    {
        using var response = await Client.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        return (response.StatusCode, body.GetProperty("checks").GetProperty("upstream-credential").Clone());
    }

    public static HttpRequestMessage Admin(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + TestCredentials.AdminKey)));
        return request;
    }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        Upstream.Stop();
        Upstream.Dispose();
        // A stub handed in is shared (replicas, restarts): its owner disposes it.
        if (_ownsStub)
        {
            Stub.Dispose();
        }
    }
}
