using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// The gateway's authorization server at the protocol level, over loopback TCP: discovery documents,
/// registration, the code flow through the federated Salesforce login and the consent form, and every
/// refusal the MCP authorization spec asks for. The same pages in real Chromium: <c>BrowserAuthorizationTests</c>.
/// </summary>
public sealed class AuthorizationServerTests : IAsyncLifetime
{
    private const string Redirect = "http://127.0.0.1:7/callback";
    private AuthorizationSandbox _sandbox = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _sandbox = await AuthorizationSandbox.StartAsync();

    public ValueTask DisposeAsync()
    {
        // On failure, the gateway's errors are the first thing to read.
        foreach (var entry in _sandbox.Gateway.Logs.Entries.Where(static e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(entry.ToString());
        }

        return _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task DiscoveryDocuments_CarryWhatRfc9728Rfc8414AndMcpRequire_WithOneIssuer()
    {
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var pathResource = await JsonAsync(http, "/.well-known/oauth-protected-resource/mcp");
        using var rootResource = await JsonAsync(http, "/.well-known/oauth-protected-resource");
        using var server = await JsonAsync(http, "/.well-known/oauth-authorization-server");
        using var openid = await JsonAsync(http, "/.well-known/openid-configuration");

        var resource = pathResource.RootElement;
        Assert.Equal(_sandbox.ResourceUrl, resource.GetProperty("resource").GetString());
        Assert.Equal(resource.GetRawText(), rootResource.RootElement.GetRawText());
        var issuer = Assert.Single(resource.GetProperty("authorization_servers").EnumerateArray()).GetString();
        Assert.Contains("mcp", resource.GetProperty("scopes_supported").EnumerateArray().Select(static s => s.GetString()));
        Assert.Equal(["header"], resource.GetProperty("bearer_methods_supported").EnumerateArray().Select(static s => s.GetString()));

        var metadata = server.RootElement;
        Assert.Equal(issuer, metadata.GetProperty("issuer").GetString());
        Assert.Equal(issuer, openid.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(static s => s.GetString()));
        Assert.Equal(new Uri(_sandbox.BaseAddress, "/oauth/register").AbsoluteUri, metadata.GetProperty("registration_endpoint").GetString());
        Assert.Equal(new Uri(_sandbox.BaseAddress, "/oauth/authorize").AbsoluteUri, metadata.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(_sandbox.BaseAddress, "/oauth/token").AbsoluteUri, metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(_sandbox.BaseAddress, "/oauth/revoke").AbsoluteUri, metadata.GetProperty("revocation_endpoint").GetString());
        var grants = metadata.GetProperty("grant_types_supported").EnumerateArray().Select(static s => s.GetString()).ToArray();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("client_credentials", grants);
        Assert.Equal(["code"], metadata.GetProperty("response_types_supported").EnumerateArray().Select(static s => s.GetString()));
    }

    [Fact]
    public async Task McpRequestWithoutToken_Gets401_WhoseChallengeNamesTheResourceMetadataAndScope()
    {
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var response = await http.SendAsync(McpRequest(bearer: null), Cancellation);
        using var badToken = await http.SendAsync(McpRequest(bearer: "not-a-token"), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith($"Bearer resource_metadata=\"{_sandbox.BaseAddress.GetLeftPart(UriPartial.Authority)}/.well-known/oauth-protected-resource/mcp\", scope=\"mcp\"", challenge, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);
        Assert.Contains("error=\"invalid_token\"", badToken.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"error\"", await badToken.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_TheDevOpsAgentCallbackRegisters_InsecureOrForeignRedirectsAreRefused()
    {
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var agent = await RegisterAsync(http, "https://api.prod.cp.aidevops.us-east-1.api.aws/v1/register/mcpserver/callback", "client_secret_post");
        using var insecure = await RegisterAsync(http, "http://attacker.example/callback");
        using var foreign = await RegisterAsync(http, "https://attacker.example/callback");
        using var fragment = await RegisterAsync(http, "https://api.prod.cp.aidevops.us-east-1.api.aws/cb#x");
        using var machine = await http.PostAsJsonAsync("/oauth/register", new { redirect_uris = new[] { Redirect }, grant_types = new[] { "client_credentials" } }, Cancellation);
        using var notJson = await http.PostAsync("/oauth/register", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.Created, agent.StatusCode);
        using var registered = JsonDocument.Parse(await agent.Content.ReadAsStringAsync(Cancellation));
        Assert.StartsWith("mcp-", registered.RootElement.GetProperty("client_id").GetString(), StringComparison.Ordinal);
        Assert.True(registered.RootElement.GetProperty("client_secret").GetString()!.Length >= 40);
        Assert.Equal("client_secret_post", registered.RootElement.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal("no-store", agent.Headers.CacheControl?.ToString());
        foreach (var refused in new[] { insecure, foreign, fragment })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("invalid_redirect_uri", await refused.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, machine.StatusCode);
        Assert.Contains("invalid_client_metadata", await machine.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task Registration_IsRateLimitedPerAddress()
    {
        await using var limited = await AuthorizationSandbox.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Gateway:Authorization:Registration:PermitLimit"] = "2",
            ["Gateway:Authorization:Registration:Window"] = "01:00:00",
        });
        using var http = new HttpClient { BaseAddress = limited.BaseAddress };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await RegisterAsync(http, Redirect);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task CodeFlow_FederatedToSalesforce_WithConsent_IssuesATokenThatRunsAsThatUser_AndNoSalesforceTokenReachesTheClient()
    {
        var clientId = await RegisterPublicClientAsync();
        using var browser = new FormBrowser();
        var (verifier, challenge) = AuthorizationSandbox.Pkce();
        var consent = await browser.FollowAsync(AuthorizeUrl(clientId, challenge, loginHint: AuthorizationSandbox.Second.Username), Redirect, Cancellation);
        Assert.Equal(HttpStatusCode.OK, consent.Status);
        Assert.Contains("Allow", consent.Body, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", browser.Seen.ToString(), StringComparison.Ordinal);

        var answered = await browser.AnswerConsentAsync(consent.Url, consent.Body, "allow", Redirect, Cancellation);
        var code = FormBrowser.Query(answered.Url, "code");
        Assert.Equal("xyz", FormBrowser.Query(answered.Url, "state"));
        Assert.NotNull(code);

        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var token = await ExchangeAsync(http, clientId, code, verifier);
        var tokenBody = await token.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using var tokens = JsonDocument.Parse(tokenBody);
        var accessToken = tokens.RootElement.GetProperty("access_token").GetString()!;
        Assert.True(tokens.RootElement.TryGetProperty("refresh_token", out _));

        using var call = await http.SendAsync(McpRequest(accessToken), Cancellation);
        var callBody = await call.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Contains(AuthorizationSandbox.Second.Username, callBody, StringComparison.Ordinal);

        // The code is single use (RFC 6749 §4.1.2).
        using var replay = await ExchangeAsync(http, clientId, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("invalid_grant", await replay.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);

        var seen = browser.Seen + tokenBody + callBody;
        var salesforceTokens = await _sandbox.SalesforceTokensAsync();
        Assert.NotEmpty(salesforceTokens);
        Assert.All(salesforceTokens, secret => Assert.DoesNotContain(secret, seen, StringComparison.Ordinal));
        Assert.True(await _sandbox.HasUserGrantAsync(AuthorizationSandbox.Second));

        // Nothing the gateway logged (at Debug, OpenIddict's own logs included) holds a token or the code.
        var logs = _sandbox.Gateway.Logs.AllText();
        Assert.All(salesforceTokens.Append(accessToken).Append(tokens.RootElement.GetProperty("refresh_token").GetString()!).Append(code),
            secret => Assert.DoesNotContain(secret, logs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthorizationRequests_WithoutPkce_WithPlainPkce_ForAnotherResource_OrAnUnregisteredRedirect_AreRefused()
    {
        var clientId = await RegisterPublicClientAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _sandbox.BaseAddress };
        var (_, challenge) = AuthorizationSandbox.Pkce();

        using var noPkce = await http.GetAsync(AuthorizeUrl(clientId, challenge: null), Cancellation);
        using var plain = await http.GetAsync(AuthorizeUrl(clientId, challenge, method: "plain"), Cancellation);
        using var otherResource = await http.GetAsync(AuthorizeUrl(clientId, challenge, resource: "https://other.example/mcp"), Cancellation);
        using var unregistered = await http.GetAsync(AuthorizeUrl(clientId, challenge, redirect: "http://127.0.0.1:9/elsewhere"), Cancellation);

        await AssertRefusedAsync(noPkce, "invalid_request");
        await AssertRefusedAsync(plain, "invalid_request");
        await AssertRefusedAsync(otherResource, "invalid_target");
        // An unregistered redirect URI is never redirected to (RFC 6749 §4.1.2.1).
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Null(unregistered.Headers.Location);
        Assert.Equal(0, _sandbox.Authority.CodeExchanges);
    }

    [Fact]
    public async Task TokenIssuedWithTheGatewaysKeysForAnotherAudience_IsRefused_WhileTheSameTokenForTheMcpUrlIsAccepted()
    {
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        await _sandbox.ConnectServiceAccountAsync(Cancellation);
        // Any request makes OpenIddict build its options (keys, issuer).
        using (await http.GetAsync("/.well-known/oauth-authorization-server", Cancellation))
        {
        }

        var server = _sandbox.Gateway.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        string Forge(string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = server.Issuer!.AbsoluteUri,
            Audience = audience,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(5),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = AuthorizationSandbox.MachineClientId,
                ["client_id"] = AuthorizationSandbox.MachineClientId,
                ["scope"] = "mcp",
                ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = server.SigningCredentials[0],
            EncryptingCredentials = server.EncryptionCredentials[0],
        });

        using var control = await http.SendAsync(McpRequest(Forge(_sandbox.ResourceUrl)), Cancellation);
        using var other = await http.SendAsync(McpRequest(Forge("https://other.example/mcp")), Cancellation);

        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Contains("error=\"invalid_token\"", other.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DenyingConsent_SendsAccessDeniedToTheClient_AndIssuesNoCode()
    {
        var clientId = await RegisterPublicClientAsync();
        using var browser = new FormBrowser();
        var (_, challenge) = AuthorizationSandbox.Pkce();
        var consent = await browser.FollowAsync(AuthorizeUrl(clientId, challenge), Redirect, Cancellation);
        var answered = await browser.AnswerConsentAsync(consent.Url, consent.Body, "deny", Redirect, Cancellation);

        Assert.Equal("access_denied", FormBrowser.Query(answered.Url, "error"));
        Assert.Equal("xyz", FormBrowser.Query(answered.Url, "state"));
        Assert.Null(FormBrowser.Query(answered.Url, "code"));
    }

    [Fact]
    public async Task ConsentForm_WithoutItsCsrfToken_IsRefused()
    {
        var clientId = await RegisterPublicClientAsync();
        using var browser = new FormBrowser();
        var (_, challenge) = AuthorizationSandbox.Pkce();
        var consent = await browser.FollowAsync(AuthorizeUrl(clientId, challenge), Redirect, Cancellation);
        var forged = consent.Body.Replace("name=\"csrf\"", "name=\"not-csrf\"", StringComparison.Ordinal);
        var answered = await browser.AnswerConsentAsync(consent.Url, forged, "allow", Redirect, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, answered.Status);
        Assert.DoesNotContain("code=", answered.Url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MachineClient_ClientCredentials_CallsAsTheGatewaysServiceAccount()
    {
        await _sandbox.ConnectServiceAccountAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var token = await http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = AuthorizationSandbox.MachineClientId,
            ["client_secret"] = AuthorizationSandbox.MachineClientSecret,
            ["scope"] = "mcp",
            ["resource"] = _sandbox.ResourceUrl,
        }), Cancellation);
        using var wrongSecret = await http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = AuthorizationSandbox.MachineClientId,
            ["client_secret"] = "wrong-secret",
        }), Cancellation);

        var tokenBody = await token.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using var tokens = JsonDocument.Parse(tokenBody);
        Assert.False(tokens.RootElement.TryGetProperty("refresh_token", out _));
        using var call = await http.SendAsync(McpRequest(tokens.RootElement.GetProperty("access_token").GetString()!), Cancellation);
        var callBody = await call.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Contains("sandbox.user@example.com", callBody, StringComparison.Ordinal);
        var logs = _sandbox.Gateway.Logs.AllText();
        Assert.DoesNotContain(AuthorizationSandbox.MachineClientSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RootElement.GetProperty("access_token").GetString()!, logs, StringComparison.Ordinal);
        // RFC 6749 §5.2: invalid_client may be answered with 401.
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Contains("invalid_client", await wrongSecret.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingOnTheGatewaySide_TheRevokedAccessTokenStopsAtOnce_AndARevokedRefreshTokenIsRefused()
    {
        var clientId = await RegisterPublicClientAsync();
        using var browser = new FormBrowser();
        var (accessToken, refreshToken) = await SignInAsync(browser, clientId, AuthorizationSandbox.Second.Username, expectConsent: true);
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using (var before = await http.SendAsync(McpRequest(accessToken), Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revokeAccess = await RevokeAsync(http, clientId, accessToken);
        using var after = await http.SendAsync(McpRequest(accessToken), Cancellation);
        using var revokeRefresh = await RevokeAsync(http, clientId, refreshToken);
        using var refresh = await RefreshAsync(http, clientId, refreshToken);

        Assert.Equal(HttpStatusCode.OK, revokeAccess.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revokeRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Contains("invalid_grant", await refresh.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingOnTheSalesforceSide_TellsTheClientToSignInAgain_AndSigningInAgainRestoresService_WithoutAskingConsentTwice()
    {
        var clientId = await RegisterPublicClientAsync();
        using var browser = new FormBrowser();
        var (accessToken, refreshToken) = await SignInAsync(browser, clientId, AuthorizationSandbox.Second.Username, expectConsent: true);
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using (var before = await http.SendAsync(McpRequest(accessToken), Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // A Salesforce administrator revokes the app's grants: the stored Salesforce tokens die.
        await _sandbox.Authority.RevokeAllGrantsAsync();
        using var refused = await http.SendAsync(McpRequest(accessToken), Cancellation);
        using var again = await http.SendAsync(McpRequest(accessToken), Cancellation);
        using var refresh = await RefreshAsync(http, clientId, refreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("sign in again", await refused.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(1, _sandbox.Authority.RefreshFailures);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Contains("invalid_grant", await refresh.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);

        // Signing in again stores a new Salesforce grant; the consent given before is remembered.
        var (renewed, _) = await SignInAsync(browser, clientId, AuthorizationSandbox.Second.Username, expectConsent: false);
        using var restored = await http.SendAsync(McpRequest(renewed), Cancellation);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Contains(AuthorizationSandbox.Second.Username, await restored.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(2, _sandbox.Authority.CodeExchanges);
    }

    /// <summary>The code flow through the federated login (and the consent form when asked), then the code exchange.</summary>
    private async Task<(string AccessToken, string RefreshToken)> SignInAsync(FormBrowser browser, string clientId, string loginHint, bool expectConsent)
    {
        var (verifier, challenge) = AuthorizationSandbox.Pkce();
        var reached = await browser.FollowAsync(AuthorizeUrl(clientId, challenge, loginHint: loginHint), Redirect, Cancellation);
        if (expectConsent)
        {
            Assert.Equal(HttpStatusCode.OK, reached.Status);
            reached = await browser.AnswerConsentAsync(reached.Url, reached.Body, "allow", Redirect, Cancellation);
        }

        var code = FormBrowser.Query(reached.Url, "code");
        Assert.True(code is not null, $"no code: {reached.Status} {reached.Url} {reached.Body}");
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var token = await ExchangeAsync(http, clientId, code, verifier);
        using var tokens = JsonDocument.Parse(await token.Content.ReadAsStringAsync(Cancellation));
        return (tokens.RootElement.GetProperty("access_token").GetString()!, tokens.RootElement.GetProperty("refresh_token").GetString()!);
    }

    private static Task<HttpResponseMessage> RevokeAsync(HttpClient http, string clientId, string token) =>
        http.PostAsync("/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = clientId, ["token"] = token }), Cancellation);

    private Task<HttpResponseMessage> RefreshAsync(HttpClient http, string clientId, string refreshToken) =>
        http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = clientId, ["refresh_token"] = refreshToken, ["resource"] = _sandbox.ResourceUrl,
        }), Cancellation);

    /// <summary>
    /// Refused with <paramref name="error"/>: redirected back to the client with it, or, when OpenIddict
    /// refuses before it has validated the redirect URI, answered in place with 400.
    /// </summary>
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string error)
    {
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.StartsWith(Redirect, response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
            Assert.Equal(error, FormBrowser.Query(response.Headers.Location, "error"));
            Assert.Null(FormBrowser.Query(response.Headers.Location, "code"));
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    private async Task<string> RegisterPublicClientAsync()
    {
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var response = await RegisterAsync(http, Redirect, "none");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return body.RootElement.GetProperty("client_id").GetString()!;
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient http, string redirect, string? authMethod = null) =>
        http.PostAsJsonAsync("/oauth/register", new Dictionary<string, object?>
        {
            ["redirect_uris"] = new[] { redirect },
            ["client_name"] = "Test client",
            ["token_endpoint_auth_method"] = authMethod,
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
        }, Cancellation);

    private Uri AuthorizeUrl(string clientId, string? challenge, string method = "S256", string? resource = null, string redirect = Redirect, string? loginHint = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirect,
            ["scope"] = "mcp",
            ["state"] = "xyz",
            ["resource"] = resource ?? _sandbox.ResourceUrl,
        };
        if (challenge is not null)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = method;
        }

        var url = QueryHelpers.AddQueryString(new Uri(_sandbox.BaseAddress, "/oauth/authorize").AbsoluteUri, query);
        // The stand-in picks the Salesforce user from login_hint, as a user choosing their account would.
        return new Uri(loginHint is null ? url : url + "&login_hint=" + Uri.EscapeDataString(loginHint));
    }

    private Task<HttpResponseMessage> ExchangeAsync(HttpClient http, string clientId, string code, string verifier) =>
        http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["code_verifier"] = verifier,
            ["redirect_uri"] = Redirect,
            ["resource"] = _sandbox.ResourceUrl,
        }), Cancellation);

    /// <summary>A stateless (2026-07-28) tools/call of getUserInfo, which says whom the call ran as.</summary>
    internal static HttpRequestMessage McpRequest(string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getUserInfo","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"e2e","version":"1"}}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", "getUserInfo");
        return request;
    }

    private static async Task<JsonDocument> JsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
