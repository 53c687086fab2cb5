using System.Net;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SalesforceStandIn;

namespace Gateway.EndToEndTests;

/// <summary>
/// The whole Salesforce credential cycle on loopback TCP against the stand-in's OpenIddict authority
/// (Salesforce's shapes: no expires_in, JWT access tokens, rotation with reuse detection): an operator
/// connects through the gateway, an MCP C# SDK client works through it, the token expires mid-session.
/// The stand-in's authority and the gateway share one fake clock.
/// </summary>
public sealed class TokenLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(10);
    private static readonly StandInUser s_second = new("005000000000002AAA", "00D000000000001AAA", "second.user@example.com", "Second User");
    private readonly TimerWatchingTimeProvider _time = new(DateTimeOffset.UtcNow);
    private WebApplication _standIn = null!;
    private GatewayFactory _gateway = null!;

    private StandInAuthority Authority => _standIn.Services.GetRequiredService<StandInAuthority>();

    public async ValueTask InitializeAsync()
    {
        Options.Authority.Enabled = true;
        Options.Authority.AccessTokenLifetime = s_lifetime;
        Options.Authority.TimeProvider = _time;
        Options.Authority.Users.Add(s_second);
        _standIn = StandInServer.Create(Options);
        await _standIn.StartAsync();
        _gateway = await CreateGatewayAsync();
    }

    private StandInOptions Options { get; } = new() { Url = "http://127.0.0.1:0" };

    /// <summary>A gateway on Kestrel in ServiceAccount mode against the stand-in, its callback registered there.</summary>
    private async Task<GatewayFactory> CreateGatewayAsync(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Upstream:Credential:Mode"] = "ServiceAccount",
            ["Gateway:Upstream:Credential:StaticToken"] = null,
            ["Gateway:Upstream:Credential:LoginUrl"] = _standIn.GetAuthorityBaseUri().ToString(),
            ["Gateway:Upstream:Credential:ClientId"] = Options.Authority.PublicClientId,
            ["Gateway:Upstream:Credential:RefreshBefore"] = "00:01:00",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var gateway = new GatewayFactory(_standIn.GetMcpEndpoint(Options), settings, timeProvider: _time, useKestrel: true, configureServices: configureServices);
        await Authority.AllowRedirectUriAsync(new Uri(gateway.KestrelAddress, "/connect/salesforce/callback"));
        return gateway;
    }

    [Fact]
    public async Task AccessTokenExpiresMidSession_TheSameMcpSessionKeepsWorking_AfterOneRefresh()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await ConnectAsOperatorAsync();
        await using var client = await McpAsync(cancellationToken);
        var sessionId = client.SessionId;
        var before = await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);

        _time.Advance(s_lifetime + TimeSpan.FromSeconds(1));
        var after = await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);
        var listed = await client.ListToolsAsync(cancellationToken: cancellationToken);

        Assert.NotEqual(true, before.IsError);
        Assert.NotEqual(true, after.IsError);
        Assert.Contains("sandbox.user@example.com", Text(after), StringComparison.Ordinal);
        Assert.NotEmpty(listed);
        Assert.NotNull(sessionId);
        Assert.Equal(sessionId, client.SessionId);
        Assert.Equal(1, Authority.CodeExchanges);
        Assert.Equal(1, Authority.Refreshes);
        Assert.Equal(0, Authority.RefreshFailures);
    }

    [Fact]
    public async Task RevokedGrant_ReadinessAndClientsSayReconnect_AndReconnectingRestoresService()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await ConnectAsOperatorAsync();
        await Authority.RevokeAllGrantsAsync();
        _time.Advance(s_lifetime + TimeSpan.FromSeconds(1));
        using var http = new HttpClient { BaseAddress = _gateway.KestrelAddress };

        using var refused = await http.SendAsync(ToolsCall(), cancellationToken);
        var refusedBody = await refused.Content.ReadAsStringAsync(cancellationToken);
        using var ready = await http.GetAsync("/healthz/ready", cancellationToken);
        var readyBody = await ready.Content.ReadAsStringAsync(cancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("reconnect the gateway", refusedBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("invalid_grant", readyBody, StringComparison.Ordinal);
        Assert.Equal(1, Authority.RefreshFailures);

        await ConnectAsOperatorAsync();
        await using var client = await McpAsync(cancellationToken);
        var restored = await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);

        Assert.NotEqual(true, restored.IsError);
        Assert.Equal(2, Authority.CodeExchanges);
        Assert.Equal(1, Authority.Refreshes);
    }

    [Fact]
    public async Task StandInTokenResponses_HaveSalesforcesShape_NoExpiresIn_IssuedAtInMilliseconds_JwtWithExp()
    {
        using var http = new HttpClient { BaseAddress = _standIn.GetAuthorityBaseUri() };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "gateway-cc",
            ["client_secret"] = "sandbox-client-secret",
        });

        using var response = await http.PostAsync("/services/oauth2/token", form, TestContext.Current.CancellationToken);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var root = body.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(root.TryGetProperty("expires_in", out _));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("issued_at").GetString());
        Assert.EndsWith("/id/00D000000000001AAA/005000000000001AAA", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(root.GetProperty("access_token").GetString());
        Assert.Equal(jwt.IssuedAt + s_lifetime, jwt.ValidTo);
        Assert.Equal("005000000000001AAA", jwt.Subject);
        Assert.Equal(1, Authority.ClientCredentialsRequests);
    }

    [Fact]
    public async Task FiveHundredConcurrentRequestsAcrossAnExpiry_CauseExactlyOneRefresh()
    {
        await ConnectAsOperatorAsync();
        using var http = new HttpClient { BaseAddress = _gateway.KestrelAddress };

        _time.Advance(s_lifetime + TimeSpan.FromSeconds(1));
        var calls = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => http.SendAsync(ToolsCall(), TestContext.Current.CancellationToken)));

        Assert.All(calls, static c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
        Assert.Equal(1, Authority.Refreshes);
        Assert.Equal(0, Authority.RefreshFailures);
        foreach (var call in calls)
        {
            call.Dispose();
        }
    }

    [Fact]
    public async Task TwoInstancesOnOnePostgreSql_ExactlyOneRefreshPerExpiry_WithRotationAndReuseDetection_NoInvalidGrant()
    {
        var database = await (await PostgresServer.SharedAsync(TestContext.Current.CancellationToken)).CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var postgres = new Dictionary<string, string?> { ["Gateway:State:Provider"] = "PostgreSql", ["Gateway:State:ConnectionString"] = database };
        using var first = await CreateGatewayAsync(postgres);
        await ConnectAsOperatorAsync(first);
        using var second = await CreateGatewayAsync(postgres);
        using var toFirst = new HttpClient { BaseAddress = first.KestrelAddress };
        using var toSecond = new HttpClient { BaseAddress = second.KestrelAddress };

        for (var expiry = 1; expiry <= 3; expiry++)
        {
            _time.Advance(s_lifetime + TimeSpan.FromSeconds(1));
            var calls = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? toFirst : toSecond).SendAsync(ToolsCall(), TestContext.Current.CancellationToken)));

            Assert.All(calls, static c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
            Assert.Equal(expiry, Authority.Refreshes);
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }

        Assert.Equal(0, Authority.RefreshFailures);
        Assert.Equal(1, Authority.CodeExchanges);
    }

    [Fact]
    public async Task Restart_KeepsTheGrant_NoNewLogin()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("gateway-e2e-restart-").FullName;
        var state = new Dictionary<string, string?> { ["Gateway:State:DataDirectory"] = dataDirectory };
        using (var before = await CreateGatewayAsync(state))
        {
            await ConnectAsOperatorAsync(before);
        }

        using var after = await CreateGatewayAsync(state);
        using var http = new HttpClient { BaseAddress = after.KestrelAddress };
        using var call = await http.SendAsync(ToolsCall(), TestContext.Current.CancellationToken);

        Assert.True(call.StatusCode == HttpStatusCode.OK, await call.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, Authority.CodeExchanges);
        Assert.Equal(0, Authority.Refreshes);
    }

    [Fact]
    public async Task RefreshThatCannotBeStored_IsNotUsed_AndTheGrantSurvives_WithRotationOn()
    {
        var failures = new FailingGrantWrites();
        using var gateway = await CreateGatewayAsync(configureServices: services => services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(failures));
        await ConnectAsOperatorAsync(gateway);
        using var http = new HttpClient { BaseAddress = gateway.KestrelAddress };
        failures.Armed = true;
        _time.Advance(s_lifetime + TimeSpan.FromSeconds(1));

        using var failed = await http.SendAsync(ToolsCall(), TestContext.Current.CancellationToken);
        failures.Armed = false;
        _time.Advance(TimeSpan.FromSeconds(2));
        using var recovered = await http.SendAsync(ToolsCall(), TestContext.Current.CancellationToken);
        _time.Advance(s_lifetime + TimeSpan.FromSeconds(1));
        using var nextExpiry = await http.SendAsync(ToolsCall(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nextExpiry.StatusCode);
        // The response the store refused was kept and stored, not fetched again; its rotated refresh
        // token worked at the next expiry (a replay of the old one would have revoked the grant).
        Assert.Equal(2, Authority.Refreshes);
        Assert.Equal(0, Authority.RefreshFailures);
    }

    [Fact]
    public async Task StandInAuthority_LoginHint_IssuesTokensForAnotherUser_WhoseIdentityReachesTheMcpServer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var callback = new Uri(_gateway.KestrelAddress, "/connect/salesforce/callback").ToString();
        var verifier = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _standIn.GetAuthorityBaseUri() };

        using var authorize = await http.GetAsync(
            $"/services/oauth2/authorize?response_type=code&client_id=gateway-sandbox&scope=api&state=s1&code_challenge={challenge}&code_challenge_method=S256" +
            $"&redirect_uri={Uri.EscapeDataString(callback)}&login_hint={Uri.EscapeDataString(s_second.Username)}", cancellationToken);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["code"].ToString();
        using var token = await http.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "gateway-sandbox", ["code"] = code, ["code_verifier"] = verifier, ["redirect_uri"] = callback,
        }), cancellationToken);
        using var tokens = System.Text.Json.JsonDocument.Parse(await token.Content.ReadAsStringAsync(cancellationToken));
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _standIn.GetMcpEndpoint(Options),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + tokens.RootElement.GetProperty("access_token").GetString() },
        }), new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: cancellationToken);
        var user = await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Assert.EndsWith($"/id/{s_second.OrganizationId}/{s_second.UserId}", tokens.RootElement.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Contains(s_second.Username, Text(user), StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox.user@example.com", Text(user), StringComparison.Ordinal);
    }

    /// <summary>The operator's browser: /connect/salesforce → the authority approves → the gateway's callback.</summary>
    private Task ConnectAsOperatorAsync() => ConnectAsOperatorAsync(_gateway);

    private static async Task ConnectAsOperatorAsync(GatewayFactory gateway)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = gateway.KestrelAddress,
        };
        using var page = await browser.GetAsync("/connect/salesforce", TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("005000000000001AAA", html, StringComparison.Ordinal);
    }

    /// <summary>A session-era client (2025-11-25): the session must survive the token change.</summary>
    private Task<McpClient> McpAsync(CancellationToken cancellationToken) => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri(_gateway.KestrelAddress, "/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["x-api-key"] = TestCredentials.AliceApiKey },
    }), new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: cancellationToken);

    /// <summary>A stateless (2026-07-28) tools/call: no session, so many can run at once without an initialize.</summary>
    private static HttpRequestMessage ToolsCall()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getUserInfo","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"e2e","version":"1"}}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", TestCredentials.AliceApiKey);
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "getUserInfo");
        return request;
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    public async ValueTask DisposeAsync()
    {
        _gateway.Dispose();
        await _standIn.StopAsync();
        await _standIn.DisposeAsync();
    }
}
