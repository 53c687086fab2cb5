using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.EndToEndTests.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using SalesforceStandIn;

namespace Gateway.EndToEndTests.Browser;

/// <summary>
/// The browser harness on its own, without the gateway: real headless Chromium (<see cref="ChromiumFixture"/>)
/// logs in on the Salesforce stand-in's login page and is redirected to a loopback receiver
/// (<see cref="LoopbackRedirectReceiver"/>), whose code the test redeems. When the gateway's browser tests
/// (<see cref="BrowserAuthorizationTests"/>) fail, this one says whether the harness itself still works.
/// </summary>
public sealed class BrowserHarnessTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    // Generous: a cold Chromium on a loaded CI machine is slow; a hang still fails, with this message.
    private static readonly TimeSpan s_redirectTimeout = TimeSpan.FromSeconds(60);

    private static readonly StandInUser s_first = new("005000000000002AAA", "00D000000000001AAA", "first.user@example.com", "First User");

    // Another org as well as another user, so the identity URL can only match if the login picked this one.
    private static readonly StandInUser s_second = new("005000000000003AAA", "00D000000000002AAA", "second.user@example.com", "Second User");

    private readonly StandInOptions _options = new() { Url = "http://127.0.0.1:0" };
    private WebApplication _standIn = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _options.Authority.Enabled = true;
        _options.Authority.LoginPage = true;
        _options.Authority.Users.Add(s_first);
        _options.Authority.Users.Add(s_second);
        _standIn = StandInServer.Create(_options);
        await _standIn.StartAsync(Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _standIn.StopAsync();
        await _standIn.DisposeAsync();
    }

    [Fact]
    public async Task LoginPage_SecondUserPicked_RedirectsCodeAndStateToLoopbackReceiver_CodeRedeemsAsThatUser()
    {
        await using var receiver = await LoopbackRedirectReceiver.StartAsync();
        await _standIn.Services.GetRequiredService<StandInAuthority>().AllowRedirectUriAsync(receiver.RedirectUri);
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var authorize = QueryHelpers.AddQueryString(new Uri(_standIn.GetAuthorityBaseUri(), "/services/oauth2/authorize").AbsoluteUri, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = _options.Authority.PublicClientId,
            ["redirect_uri"] = receiver.RedirectUri.AbsoluteUri,
            ["scope"] = "api refresh_token",
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

        // A context per test: its own cookie jar, so no user's session reaches another test. Script off:
        // the login page is a plain form and must work without it.
        await using var context = await chromium.Browser.NewContextAsync(new() { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        var loginPage = await page.GotoAsync(authorize);
        var title = await page.TitleAsync();
        var listed = await page.Locator("#username option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        // By its label, as a person (or a screen reader) finds it: the page must label the select.
        await page.GetByLabel("Username").SelectOptionAsync(s_second.Username);
        await page.ClickAsync("#login");
        var redirect = await receiver.Redirected.WaitAsync(s_redirectTimeout, Cancellation);

        var code = FormBrowser.Query(redirect, "code");
        using var http = new HttpClient();
        using var exchange = await http.PostAsync(new Uri(_standIn.GetAuthorityBaseUri(), "/services/oauth2/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = _options.Authority.PublicClientId,
            ["code"] = code ?? "",
            ["redirect_uri"] = receiver.RedirectUri.AbsoluteUri,
            ["code_verifier"] = verifier,
        }), Cancellation);
        var tokens = await exchange.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.NotNull(loginPage);
        Assert.Equal(200, loginPage.Status);
        Assert.Equal("no-store", loginPage.Headers["cache-control"]);
        // No form-action directive on purpose: Chromium applies it to the redirect that follows the form's
        // submission too, and would block the authority's redirect to the client's callback.
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'", loginPage.Headers["content-security-policy"]);
        Assert.Equal("Log in to Salesforce (stand-in)", title);
        Assert.Equal([_options.Authority.User.Username, s_first.Username, s_second.Username], listed);
        Assert.Equal(receiver.RedirectUri.GetLeftPart(UriPartial.Path), redirect.GetLeftPart(UriPartial.Path));
        Assert.False(string.IsNullOrEmpty(code));
        Assert.Equal(state, FormBrowser.Query(redirect, "state"));
        // Only the error fields on failure: the success body holds tokens, which never go to test output.
        Assert.True(exchange.IsSuccessStatusCode, $"The token endpoint answered {(int)exchange.StatusCode}: {(tokens.TryGetProperty("error", out var error) ? error.ToString() : "")}");
        Assert.EndsWith($"/id/{s_second.OrganizationId}/{s_second.UserId}", tokens.GetProperty("id").GetString(), StringComparison.Ordinal);
    }
}
