using System.Collections.Concurrent;
using System.Text;
using Microsoft.Playwright;
using ModelContextProtocol;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SalesforceStandIn;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// MCP clients connecting the way real ones do: the MCP C# SDK client's own OAuth support discovers the
/// gateway from its 401, registers itself (DCR), runs PKCE and the token calls; the person behind it
/// logs in on the Salesforce stand-in's login page and answers the gateway's consent page, both in real
/// headless Chromium. Everything either side received is scanned for the Salesforce tokens the
/// gateway holds.
/// </summary>
public sealed class BrowserAuthorizationTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private AuthorizationSandbox _sandbox = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _sandbox = await AuthorizationSandbox.StartAsync(loginPage: true);

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [Fact]
    public async Task TwoUsers_EachSignInThroughSalesforceAndConsent_AndEachSeesTheirOwnIdentityUpstream_NoSalesforceTokenReachesAClient()
    {
        var first = await ConnectAsync(_sandbox.StandInOptions.Authority.User, "allow");
        var second = await ConnectAsync(AuthorizationSandbox.Second, "allow");
        await using var firstClient = first.Client!;
        await using var secondClient = second.Client!;

        var firstUser = Text(await firstClient.CallToolAsync("getUserInfo", cancellationToken: Cancellation));
        var secondUser = Text(await secondClient.CallToolAsync("getUserInfo", cancellationToken: Cancellation));
        var tools = await secondClient.ListToolsAsync(cancellationToken: Cancellation);

        Assert.Contains(_sandbox.StandInOptions.Authority.User.Username, firstUser, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthorizationSandbox.Second.Username, firstUser, StringComparison.Ordinal);
        Assert.Contains(AuthorizationSandbox.Second.Username, secondUser, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.StandInOptions.Authority.User.Username, secondUser, StringComparison.Ordinal);
        Assert.NotEmpty(tools);
        Assert.True(first.SawConsentPage && second.SawConsentPage);
        Assert.Equal(2, _sandbox.Authority.CodeExchanges);

        var salesforceTokens = await _sandbox.SalesforceTokensAsync();
        Assert.Equal(4, salesforceTokens.Count); // an access and a refresh token per user
        var seen = first.Seen + second.Seen + firstUser + secondUser;
        Assert.All(salesforceTokens, secret => Assert.DoesNotContain(secret, seen, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DenyingConsent_ReturnsAccessDeniedToTheClient_AndTheClientGetsNoToken()
    {
        var denied = await ConnectAsync(AuthorizationSandbox.Second, "deny");

        Assert.Null(denied.Client);
        Assert.True(denied.SawConsentPage);
        Assert.Equal("access_denied", FormBrowser.Query(denied.Redirect!, "error"));
        Assert.Null(FormBrowser.Query(denied.Redirect!, "code"));
        Assert.NotNull(denied.Failure);
    }

    /// <summary>One person at one MCP client: the SDK drives the protocol; Chromium shows the pages.</summary>
    private async Task<Connection> ConnectAsync(StandInUser user, string decision)
    {
        await using var receiver = await LoopbackRedirectReceiver.StartAsync();
        await using var context = await chromium.Browser.NewContextAsync();
        var seen = new ConcurrentQueue<string>();
        var reads = new ConcurrentBag<Task>();
        var sawConsent = false;
        Uri? redirect = null;
        context.Response += (_, response) => reads.Add(RecordAsync(response, seen));

        var recording = new RecordingHandler(seen) { InnerHandler = new HttpClientHandler() };
        var http = new HttpClient(recording);
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _sandbox.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = receiver.RedirectUri,
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = $"Browser test client for {user.Username}" },
                AuthorizationCallbackHandler = async (authorization, cancellationToken) =>
                {
                    var page = await context.NewPageAsync();
                    await page.GotoAsync(authorization.AuthorizationUri.AbsoluteUri);
                    // The Salesforce stand-in's login page: pick the user, log in.
                    await page.SelectOptionAsync("#username", user.Username);
                    await page.ClickAsync("#login");
                    // The gateway's consent page.
                    var button = page.Locator(decision == "allow" ? "#allow" : "#deny");
                    await button.WaitForAsync();
                    sawConsent = await page.Locator("#client-name").InnerTextAsync() == $"Browser test client for {user.Username}";
                    await button.ClickAsync();
                    redirect = await receiver.Redirected.WaitAsync(cancellationToken);
                    // RFC 9207: the SDK checks iss against the issuer it discovered.
                    return new AuthorizationResult
                    {
                        Code = FormBrowser.Query(redirect, "code"),
                        State = FormBrowser.Query(redirect, "state"),
                        Iss = FormBrowser.Query(redirect, "iss"),
                    };
                },
            },
        }, http, ownsHttpClient: true);

        McpClient? client = null;
        Exception? failure = null;
        try
        {
            client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: Cancellation);
        }
        catch (Exception ex) when (ex is McpException or HttpRequestException or InvalidOperationException)
        {
            failure = ex;
        }

        await Task.WhenAll(reads);
        return new Connection(client, redirect, sawConsent, string.Join('\n', seen), failure);
    }

    private static async Task RecordAsync(IResponse response, ConcurrentQueue<string> seen)
    {
        var text = new StringBuilder().Append(response.Status).Append(' ').Append(response.Url).Append('\n');
        foreach (var (name, value) in await response.AllHeadersAsync())
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }

        if (response.Status is < 300 or >= 400)
        {
            try
            {
                text.Append(await response.TextAsync());
            }
            catch (PlaywrightException)
            {
                // The page moved on before its body was read; its headers are recorded.
            }
        }

        seen.Enqueue(text.ToString());
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    private sealed record Connection(McpClient? Client, Uri? Redirect, bool SawConsentPage, string Seen, Exception? Failure);

    /// <summary>Records what the MCP client received: headers always, bodies unless they are event streams.</summary>
    private sealed class RecordingHandler(ConcurrentQueue<string> seen) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var text = $"{(int)response.StatusCode} {request.RequestUri}\n{response.Headers}{response.Content.Headers}";
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                text += await response.Content.ReadAsStringAsync(cancellationToken);
            }

            seen.Enqueue(text);
            return response;
        }
    }
}
