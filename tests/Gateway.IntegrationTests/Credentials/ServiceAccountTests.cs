using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Credentials;
using Gateway.Inbound;
using Gateway.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.IntegrationTests.Credentials;

/// <summary>
/// The service-account lifecycle against Salesforce's token endpoint as WireMock.Net stubs with
/// Salesforce's shapes: connect with PKCE, expiry from the JWT, single-flight refresh with rotation,
/// invalid_grant, store failures, restarts, disconnect.
/// </summary>
public sealed class ServiceAccountTests
{
    private static readonly TimeSpan s_pastExpiry = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Connect_SendsPkceS256AndState_StoresTheGrant_AndTheUpstreamGetsItsJwt()
    {
        using var gateway = new OAuthGateway();

        await gateway.ConnectSucceedsAsync();
        using var call = await gateway.ToolsCallAsync();

        var query = gateway.LastAuthorizeQuery;
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(SalesforceOAuthStub.ClientId, query["client_id"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal("api sfap_api refresh_token einstein_gpt_api offline_access", query["scope"]);
        Assert.Equal("http://localhost/connect/salesforce/callback", query["redirect_uri"]);
        Assert.True(query["state"].Length >= 32);
        // RFC 7636 §4.2: the challenge is BASE64URL(SHA256(verifier)) of the verifier the exchange sent.
        var verifier = Assert.IsType<string>(gateway.Stub.LastCodeVerifier);
        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), query["code_challenge"]);
        Assert.Equal(query["redirect_uri"], gateway.Stub.LastRedirectUri);
        Assert.Equal(1, gateway.Stub.CodeExchanges);

        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(gateway.Stub.IssuedAccessTokens[0], Assert.Single(gateway.UpstreamTokens));
        var (status, credential) = await gateway.ReadinessAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        var data = credential.GetProperty("data");
        Assert.True(data.GetProperty("grant_present").GetBoolean());
        Assert.Equal("jwt_exp", data.GetProperty("expiry_source").GetString());
        Assert.InRange(data.GetProperty("expires_in_seconds").GetInt64(), 3590, 3600);
        Assert.Equal("connected", data.GetProperty("last_refresh_outcome").GetString());
        Assert.True(data.TryGetProperty("next_refresh_at", out _));
    }

    [Fact]
    public async Task RawDatabase_HoldsNoToken()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        var dataDirectory = gateway.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Gateway.State.StateOptions>>().Value.DataDirectory;

        var files = Directory.GetFiles(dataDirectory, "gateway.db*");

        Assert.NotEmpty(files);
        var raw = string.Concat(files.Select(static f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.Contains("upstream_grants", raw, StringComparison.Ordinal);
        Assert.Contains(SalesforceOAuthStub.UserId, raw, StringComparison.Ordinal);
        Assert.Equal(2, gateway.Stub.IssuedTokens.Count);
        foreach (var token in gateway.Stub.IssuedTokens)
        {
            Assert.DoesNotContain(token, raw, StringComparison.Ordinal);
            // JWTs are long; no segment of one may be there either.
            foreach (var segment in token.Split('.'))
            {
                Assert.DoesNotContain(segment, raw, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Callback_WithAnotherState_IsRefused_AndNoCodeIsExchanged()
    {
        using var gateway = new OAuthGateway();

        using var callback = await gateway.ConnectAsync(tamperState: static s => s[..^1] + (s[^1] == 'A' ? 'B' : 'A'));

        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        Assert.Contains("State mismatch", await callback.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", callback.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(callback.Headers.CacheControl?.NoStore);
        Assert.Equal(0, gateway.Stub.CodeExchanges);
    }

    [Fact]
    public async Task ConnectRoutes_WithoutTheAdminKey_AreRefused()
    {
        using var gateway = new OAuthGateway();

        using var connect = await gateway.Client.GetAsync("/connect/salesforce", TestContext.Current.CancellationToken);
        using var disconnect = await gateway.Client.PostAsync("/connect/salesforce/disconnect", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, connect.StatusCode);
        Assert.StartsWith("Basic", connect.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, disconnect.StatusCode);
    }

    [Fact]
    public async Task ConnectRoutes_LoopbackOnly_RefuseARemoteCaller()
    {
        // The in-memory test server has no remote address: not loopback.
        using var gateway = new OAuthGateway(settings: new Dictionary<string, string?> { ["Gateway:Upstream:Credential:Connect:Access"] = "Loopback" });

        using var connect = await gateway.Client.GetAsync("/connect/salesforce", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, connect.StatusCode);
    }

    [Fact]
    public async Task NotConnected_ClientsGetAJsonRpcErrorNamingTheConnectRoute_AndReadinessSaysSo()
    {
        using var gateway = new OAuthGateway();

        using var call = await gateway.ToolsCallAsync();
        var (status, credential) = await gateway.ReadinessAsync();

        var error = await JsonRpcAssert.ErrorAsync(call, HttpStatusCode.ServiceUnavailable, -32004, "upstream_credential_unavailable", idJson: "7");
        Assert.Contains("/connect/salesforce", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(credential.GetProperty("data").GetProperty("grant_present").GetBoolean());
        Assert.Equal("/connect/salesforce", credential.GetProperty("data").GetProperty("connect_url").GetString());
        Assert.Empty(gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task FiveHundredConcurrentRequestsAcrossAnExpiry_CauseExactlyOneRefresh()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();

        gateway.Time.Advance(s_pastExpiry);
        var calls = await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => gateway.ToolsCallAsync()));

        Assert.All(calls, static c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
        Assert.Equal(1, gateway.Stub.Refreshes);
        var refreshed = gateway.Stub.IssuedAccessTokens[^1];
        Assert.All(gateway.UpstreamTokens, t => Assert.Equal(refreshed, t));
        foreach (var call in calls)
        {
            call.Dispose();
        }
    }

    [Fact]
    public async Task RotatedRefreshTokens_AreStoredAndUsed_AndARotatedOutOneIsNeverSentAgain()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();

        for (var expiry = 0; expiry < 3; expiry++)
        {
            gateway.Time.Advance(s_pastExpiry);
            using var call = await gateway.ToolsCallAsync();
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        Assert.Equal(3, gateway.Stub.Refreshes);
        Assert.Equal(3, gateway.Stub.PresentedRefreshTokens.Distinct().Count());
        Assert.Equal(0, gateway.Stub.ReuseDetections);
        Assert.Equal(0, gateway.Stub.InvalidGrants);
    }

    [Fact]
    public async Task InvalidGrant_FlagsReconnect_ClientsAreTold_NoRetryStorm_AndReconnectingRestoresService()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        gateway.Stub.RevokeGrant();
        gateway.Time.Advance(s_pastExpiry);

        using var first = await gateway.ToolsCallAsync();
        for (var i = 0; i < 20; i++)
        {
            using var again = await gateway.ToolsCallAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        }

        var (status, credential) = await gateway.ReadinessAsync();

        var error = await JsonRpcAssert.ErrorAsync(first, HttpStatusCode.ServiceUnavailable, -32004, "upstream_credential_unavailable", idJson: "7");
        Assert.Contains("must reconnect the gateway at /connect/salesforce", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, gateway.Stub.Refreshes);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("invalid_grant", credential.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_grant", credential.GetProperty("data").GetProperty("last_refresh_outcome").GetString());
        Assert.Equal("/connect/salesforce", credential.GetProperty("data").GetProperty("connect_url").GetString());

        await gateway.ConnectSucceedsAsync();
        using var restored = await gateway.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.ReadinessAsync()).Status);
    }

    [Fact]
    public async Task RefreshThatCannotBeStored_IsNotUsed_TheGrantSurvives_AndTheKeptTokenIsStoredNext()
    {
        var failures = new FailingGrantWrites();
        using var gateway = new OAuthGateway(configureServices: services => services.AddSingleton<IInterceptor>(failures));
        await gateway.ConnectSucceedsAsync();
        var connectedToken = gateway.Stub.IssuedAccessTokens[0];
        failures.Armed = true;
        gateway.Time.Advance(s_pastExpiry);

        using var failed = await gateway.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(1, failures.Failed);
        Assert.DoesNotContain(gateway.UpstreamTokens, t => t != connectedToken);
        var (_, credential) = await gateway.ReadinessAsync();
        Assert.True(credential.GetProperty("data").GetProperty("grant_present").GetBoolean());
        Assert.Equal("store_failed", credential.GetProperty("data").GetProperty("last_refresh_outcome").GetString());

        failures.Armed = false;
        gateway.Time.Advance(TimeSpan.FromSeconds(2)); // past the backoff
        using var recovered = await gateway.ToolsCallAsync();
        gateway.Time.Advance(s_pastExpiry);
        using var next = await gateway.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        // The kept response was stored, not fetched again; the next refresh presented its rotated token.
        Assert.Equal(2, gateway.Stub.Refreshes);
        Assert.Equal(0, gateway.Stub.ReuseDetections);
        Assert.Equal(2, gateway.Stub.PresentedRefreshTokens.Distinct().Count());
    }

    [Fact]
    public async Task Restart_KeepsTheGrant_WithoutANewLoginOrRefresh()
    {
        using var stopped = await ConnectedThenStoppedAsync();
        var (settings, time, stub) = stopped;

        using var second = new OAuthGateway(settings: settings, stub: stub, time: time);
        using var call = await second.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(stub.IssuedAccessTokens[0], Assert.Single(second.UpstreamTokens));
        Assert.Equal(1, stub.CodeExchanges);
        Assert.Equal(0, stub.Refreshes);
    }

    [Fact]
    public async Task AStartUpReadThatEndsAfterTheTokenExpired_IsFollowedByARefresh_NotARefusal()
    {
        using var stopped = await ConnectedThenStoppedAsync();
        var (settings, time, stub) = stopped;
        var held = new HeldGrantRead();
        using var second = new OAuthGateway(settings: settings, stub: stub, time: time, configureServices: services => services.AddSingleton<IInterceptor>(held));
        // The start-up read has found the connected token fresh and published it; the token then expires
        // before that read ends, and a request arrives.
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        time.Advance(s_pastExpiry);
        var credentials = second.Factory.Services.GetRequiredService<OAuthUpstreamCredentialProvider>();
        var pending = credentials.GetTokenAsync(new GatewayPrincipal("alice", InboundCredentialKind.ApiKey), TestContext.Current.CancellationToken);
        Assert.False(pending.IsCompleted); // It waits for the read in flight.
        held.Release();
        var token = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(token.Succeeded, token.Error);
        Assert.Equal(1, stub.Refreshes);
        Assert.Equal(stub.IssuedAccessTokens[^1], token.AccessToken);
        Assert.NotEqual(stub.IssuedAccessTokens[0], token.AccessToken);
    }

    [Fact]
    public async Task Disconnect_RevokesTheRefreshTokenAtSalesforce_AndDeletesTheGrant()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        var refreshToken = gateway.Stub.IssuedRefreshTokens[0];

        using var disconnect = await gateway.Client.SendAsync(OAuthGateway.Admin(new HttpRequestMessage(HttpMethod.Post, "/connect/salesforce/disconnect")), TestContext.Current.CancellationToken);
        using var call = await gateway.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.OK, disconnect.StatusCode);
        Assert.Equal("disconnected", JsonDocument.Parse(await disconnect.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("status").GetString());
        Assert.Equal(1, gateway.Stub.Revocations);
        Assert.Equal(refreshToken, gateway.Stub.LastRevokedToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        Assert.False((await gateway.ReadinessAsync()).Credential.GetProperty("data").GetProperty("grant_present").GetBoolean());
    }

    [Fact]
    public async Task Disconnect_FromAnotherSite_IsRefused()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        using var request = OAuthGateway.Admin(new HttpRequestMessage(HttpMethod.Post, "/connect/salesforce/disconnect"));
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var disconnect = await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, disconnect.StatusCode);
        Assert.Equal(0, gateway.Stub.Revocations);
    }

    [Fact]
    public async Task StoppingWhileARefreshWaitsOutItsBackoff_IsNoFailure()
    {
        CapturedLogs logs;
        Task<GrantSnapshot> refresh;
        using (var gateway = new OAuthGateway())
        {
            logs = gateway.Factory.Logs;
            await gateway.ConnectSucceedsAsync();
            gateway.Stub.EnqueueFailure(503, """{"error":"server_error","error_description":"try later"}""");
            var backoff = gateway.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
            // Inside the refresh margin: the scheduler refreshes, Salesforce answers 503, the retry waits.
            gateway.Time.Advance(TimeSpan.FromMinutes(56));
            await backoff;
            refresh = gateway.Factory.Services.GetRequiredService<OAuthUpstreamCredentialProvider>().RefreshAsync(rejectedToken: null);
            Assert.False(refresh.IsCompleted); // The retrying refresh, joined.
        }

        // The host has stopped; the abandoned refresh ends without an error, a failure count or a logged exception.
        await refresh.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(logs.Entries, static e => e.Level >= LogLevel.Error || e.Exception is not null);
        Assert.DoesNotContain(logs.Entries, static e => e.EventId.Id == 3005);
    }

    [Fact]
    public async Task TransientTokenEndpointFailures_AreRetried_WhileTheStillValidTokenKeepsServing()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        var connectedToken = gateway.Stub.IssuedAccessTokens[0];
        gateway.Stub.EnqueueFailure(503, """{"error":"server_error","error_description":"try later"}""");
        gateway.Stub.EnqueueFailure(400, """{"error":"rate_limit_exceeded","error_description":"rate limit exceeded"}""");
        // Inside the refresh margin, not expired: requests use the valid token while refreshes retry.
        gateway.Time.Advance(TimeSpan.FromMinutes(56));

        // Each failed attempt waits out a backoff on the fake clock (RetryDelay 1 s, doubling, jittered):
        // advance it once the retry's timer exists.
        var firstBackoff = gateway.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        using var during = await gateway.ToolsCallAsync();
        await firstBackoff;
        var secondBackoff = gateway.Time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        gateway.Time.Advance(TimeSpan.FromSeconds(1));
        await secondBackoff;
        var third = gateway.Stub.WaitForRefreshesAsync(3);
        gateway.Time.Advance(TimeSpan.FromSeconds(2));
        await third;
        using var after = await gateway.ToolsCallAsync();

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(connectedToken, gateway.UpstreamTokens[0]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(3, gateway.Stub.Refreshes);
        Assert.Equal(0, gateway.Stub.InvalidGrants);
    }

    [Fact]
    public async Task NoSecret_AppearsInLogsOrReadiness()
    {
        using var gateway = new OAuthGateway();
        await gateway.ConnectSucceedsAsync();
        gateway.Time.Advance(s_pastExpiry);
        using var call = await gateway.ToolsCallAsync();
        var (_, credential) = await gateway.ReadinessAsync();

        var emitted = gateway.Factory.Logs.AllText() + credential.GetRawText();
        Assert.Contains("refreshed", emitted, StringComparison.Ordinal);
        foreach (var secret in gateway.Stub.IssuedTokens.Append(SalesforceOAuthStub.ValidCode).Append(TestCredentials.AdminKey).Append(gateway.Stub.LastCodeVerifier!))
        {
            Assert.DoesNotContain(secret, emitted, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HeadlessConnect_PrintsTheAuthorizeUrl_TakesBackTheRedirect_AndStoresTheGrant()
    {
        using var gateway = new OAuthGateway(settings: new Dictionary<string, string?> { ["Gateway:Upstream:Credential:Connect:PublicBaseUrl"] = "https://gateway.example.com" });
        using var output = new StringWriter();
        using var input = new BrowserReturningTo(output, static state => $"https://gateway.example.com/connect/salesforce/callback?code={SalesforceOAuthStub.ValidCode}&state={state}");

        var exitCode = await ConnectCommand.RunAsync(gateway.Factory.Services, input, output, TestContext.Current.CancellationToken);
        using var call = await gateway.ToolsCallAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains($"user {SalesforceOAuthStub.UserId} of org {SalesforceOAuthStub.OrganizationId}", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("https://gateway.example.com/connect/salesforce/callback", gateway.Stub.LastRedirectUri);
        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(gateway.Stub.LastCodeVerifier!))), input.Query["code_challenge"]);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    [Fact]
    public async Task HeadlessConnect_WithAnotherState_StoresNothing()
    {
        using var gateway = new OAuthGateway(settings: new Dictionary<string, string?> { ["Gateway:Upstream:Credential:Connect:PublicBaseUrl"] = "https://gateway.example.com" });
        using var output = new StringWriter();
        using var input = new BrowserReturningTo(output, static _ => $"https://gateway.example.com/connect/salesforce/callback?code={SalesforceOAuthStub.ValidCode}&state=forged");

        var exitCode = await ConnectCommand.RunAsync(gateway.Factory.Services, input, output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("does not match", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.Stub.CodeExchanges);
    }

    /// <summary>The operator: reads the printed authorize URL, "logs in", pastes back where the browser landed.</summary>
    private sealed class BrowserReturningTo(StringWriter printed, Func<string, string> redirect) : TextReader
    {
        public Dictionary<string, string> Query { get; private set; } = [];

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var authorize = printed.ToString().Split('\n').Select(static l => l.Trim()).First(static l => l.Contains("/services/oauth2/authorize?", StringComparison.Ordinal));
            Query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(authorize).Query).ToDictionary(static q => q.Key, static q => q.Value.ToString());
            return new(redirect(Uri.EscapeDataString(Query["state"])));
        }
    }

    /// <summary>
    /// A grant connected through a gateway on a fresh data directory, that gateway then stopped: what the next
    /// gateway started there (a restart, a new replica) finds. Disposing it stops the shared Salesforce stub.
    /// </summary>
    private static async Task<StoppedGateway> ConnectedThenStoppedAsync()
    {
        var settings = new Dictionary<string, string?> { ["Gateway:State:DataDirectory"] = Directory.CreateTempSubdirectory("gateway-restart-").FullName };
        var time = new TimerWatchingTimeProvider(DateTimeOffset.UtcNow);
        var stopped = new StoppedGateway(settings, time, new SalesforceOAuthStub(time));
        using var first = new OAuthGateway(settings: settings, stub: stopped.Stub, time: time);
        await first.ConnectSucceedsAsync();
        return stopped;
    }

    private sealed record StoppedGateway(Dictionary<string, string?> Settings, TimerWatchingTimeProvider Time, SalesforceOAuthStub Stub) : IDisposable
    {
        public void Dispose() => Stub.Dispose();
    }
}
