using System.Net;
using System.Security.Cryptography;
using System.Text;
using SalesforceStandIn;

namespace Sandbox;

/// <summary>
/// Starts the local Salesforce stand-in (MCP server and Salesforce-like OAuth authority) on a free
/// loopback port, then runs the gateway's own entry point in front of it (the same code path as
/// <c>dotnet run --project src/Gateway</c>) in <c>ServiceAccount</c> mode, configured by command-line
/// settings and a fresh API key whose SHA-256 is all the gateway is told. Once the gateway listens, the
/// launcher connects it the way an operator's browser would (<c>/connect/salesforce</c> → the authority
/// approves → the callback stores the grant), so the whole connect → use → refresh cycle runs locally.
/// Extra arguments are passed to the gateway, e.g. <c>--Urls=http://127.0.0.1:6000</c>.
/// </summary>
internal static class SandboxLauncher
{
    private const string DefaultUrl = "http://127.0.0.1:5080";

    // Short on purpose: the gateway refreshes the token every few minutes while the sandbox runs.
    private static readonly TimeSpan s_accessTokenLifetime = TimeSpan.FromMinutes(5);

    public static async Task<int> Main(string[] args)
    {
        var url = (args.FirstOrDefault(static a => a.StartsWith("--Urls=", StringComparison.OrdinalIgnoreCase))?["--Urls=".Length..] ?? DefaultUrl).TrimEnd('/');
        var standInOptions = new StandInOptions { Url = "http://127.0.0.1:0" };
        standInOptions.Authority.Enabled = true;
        standInOptions.Authority.AccessTokenLifetime = s_accessTokenLifetime;
        standInOptions.Authority.RedirectUris.Add(url + "/connect/salesforce/callback");
        // The gateway's own authorization server signs people in at the stand-in, as at Salesforce.
        standInOptions.Authority.RedirectUris.Add(url + "/oauth/salesforce/callback");
        standInOptions.Authority.LoginPage = true;
        standInOptions.Authority.Users.Add(new StandInUser("005000000000002AAA", "00D000000000001AAA", "second.user@example.com", "Second User"));
        await using var standIn = StandInServer.Create(standInOptions);
        await standIn.StartAsync();
        var upstream = standIn.GetMcpEndpoint(standInOptions);

        // A new key per run unless one is given, so no well-known key ever guards a gateway.
        var apiKey = Environment.GetEnvironmentVariable("GATEWAY_API_KEY") is { Length: > 0 } given
            ? given
            : "sandbox-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        string[] gatewayArgs =
        [
            "--environment", "Development",
            $"--Urls={DefaultUrl}",
            $"--Gateway:Upstream:Endpoint={upstream}",
            "--Gateway:Upstream:Credential:Mode=ServiceAccount",
            $"--Gateway:Upstream:Credential:LoginUrl={standIn.GetAuthorityBaseUri()}",
            $"--Gateway:Upstream:Credential:ClientId={standInOptions.Authority.PublicClientId}",
            "--Gateway:Upstream:Credential:RefreshBefore=00:01:00",
            $"--Gateway:Upstream:Credential:Connect:PublicBaseUrl={url}",
            "--Gateway:Inbound:ApiKeys:0:Id=sandbox",
            $"--Gateway:Inbound:ApiKeys:0:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)))}",
            "--Gateway:State:DataDirectory=data/sandbox",
            "--Gateway:Authorization:Enabled=true",
            $"--Gateway:Authorization:PublicBaseUrl={url}",
            .. args,
        ];

        Console.WriteLine($"""

            MCP gateway sandbox
              Salesforce stand-in (MCP):      {upstream}
              Salesforce stand-in (OAuth):    {standIn.GetAuthorityBaseUri()}services/oauth2/…  (tokens live {s_accessTokenLifetime.TotalMinutes:0} min)
              MCP URL for clients:            {url}/mcp
              API key header:                 x-api-key
              API key:                        {apiKey}
              Reconnect Salesforce:           {url}/connect/salesforce   (readiness: {url}/healthz/ready)
              OAuth for MCP clients:          discovery from {url}/mcp (DCR, PKCE); log in as
                                              sandbox.user@example.com or second.user@example.com

            Try it:  dotnet run --project samples/GatewayClient -- --url {url}/mcp --api-key {apiKey}
            Stop with Ctrl+C.

            """);

        // The gateway's generated Program.Main: the real composition, configuration and logging.
        var entryPoint = typeof(Program).Assembly.EntryPoint
            ?? throw new InvalidOperationException("The gateway assembly has no entry point.");
        var gateway = Task.Run(() => entryPoint.Invoke(null, [gatewayArgs]));
        try
        {
            await Task.WhenAny(gateway, ConnectLikeAnOperatorAsync(url, gateway));
            await gateway;
            return 0;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Console.Error.WriteLine($"The gateway stopped: {ex.InnerException.Message}");
            return 1;
        }
        finally
        {
            await standIn.StopAsync();
        }
    }

    /// <summary>
    /// What an operator does once: open /connect/salesforce in a browser. Waits for the gateway to
    /// answer first (it may be migrating its database); a grant kept from an earlier run is replaced.
    /// </summary>
    private static async Task ConnectLikeAnOperatorAsync(string url, Task gateway)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(30),
        };
        for (var attempt = 0; attempt < 100 && !gateway.IsCompleted; attempt++)
        {
            try
            {
                using var live = await browser.GetAsync("/healthz/live");
                if (live.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        try
        {
            using var connected = await browser.GetAsync("/connect/salesforce?login_hint=sandbox.user%40example.com");
            Console.WriteLine(connected.IsSuccessStatusCode
                ? $"  Connected the gateway to the stand-in's Salesforce user (as {url}/connect/salesforce would in a browser).\n"
                : $"  Connecting the gateway failed ({(int)connected.StatusCode}); open {url}/connect/salesforce in a browser.\n");
        }
        catch (HttpRequestException ex)
        {
            Console.WriteLine($"  Could not reach the gateway to connect it ({ex.Message}); open {url}/connect/salesforce in a browser.\n");
        }
    }
}
