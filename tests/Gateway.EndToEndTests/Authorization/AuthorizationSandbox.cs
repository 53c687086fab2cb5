using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Credentials;
using Gateway.State;
using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesforceStandIn;

namespace Gateway.EndToEndTests.Authorization;

/// <summary>
/// The gateway as an authorization server on loopback TCP, federating its users' login to the stand-in's
/// Salesforce-like authority (two users of one org), with a pre-registered machine client. The gateway's
/// own credential is the service account an operator connects.
/// </summary>
public sealed class AuthorizationSandbox : IAsyncDisposable
{
    public const string MachineClientId = "devops-agent-machine";
    public const string MachineClientSecret = "machine-client-secret-0123456789-abcdefghij";

    public static readonly StandInUser Second = new("005000000000002AAA", "00D000000000001AAA", "second.user@example.com", "Second User");

    private WebApplication _standIn = null!;
    private Dictionary<string, string?> _settings = null!;

    private AuthorizationSandbox()
    {
    }

    public StandInOptions StandInOptions { get; } = new() { Url = "http://127.0.0.1:0" };

    public GatewayFactory Gateway { get; private set; } = null!;

    public StandInAuthority Authority => _standIn.Services.GetRequiredService<StandInAuthority>();

    public Uri BaseAddress => Gateway.KestrelAddress;

    public Uri McpEndpoint => new(Gateway.KestrelAddress, "/mcp");

    /// <summary>The canonical MCP URL tokens are issued for: the bound address, no trailing slash.</summary>
    public string ResourceUrl => Gateway.KestrelAddress.GetLeftPart(UriPartial.Authority) + "/mcp";

    public static async Task<AuthorizationSandbox> StartAsync(bool loginPage = false, IDictionary<string, string?>? settings = null)
    {
        var sandbox = new AuthorizationSandbox();
        var authority = sandbox.StandInOptions.Authority;
        authority.Enabled = true;
        authority.Users.Add(Second);
        authority.LoginPage = loginPage;
        sandbox._standIn = StandInServer.Create(sandbox.StandInOptions);
        await sandbox._standIn.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Gateway:Authorization:Enabled"] = "true",
            ["Gateway:Authorization:Clients:0:ClientId"] = MachineClientId,
            ["Gateway:Authorization:Clients:0:ClientSecret"] = MachineClientSecret,
            ["Gateway:Authorization:Clients:0:ClientCredentials"] = "true",
            ["Gateway:Authorization:Clients:0:DisplayName"] = "DevOps Agent (client credentials)",
            ["Gateway:Upstream:Credential:Mode"] = "ServiceAccount",
            ["Gateway:Upstream:Credential:StaticToken"] = null,
            ["Gateway:Upstream:Credential:LoginUrl"] = sandbox._standIn.GetAuthorityBaseUri().ToString(),
            ["Gateway:Upstream:Credential:ClientId"] = authority.PublicClientId,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        sandbox._settings = all;
        sandbox.Gateway = new GatewayFactory(sandbox._standIn.GetMcpEndpoint(sandbox.StandInOptions), all, useKestrel: true);
        await sandbox.Authority.AllowRedirectUriAsync(new Uri(sandbox.Gateway.KestrelAddress, "/oauth/salesforce/callback"));
        await sandbox.Authority.AllowRedirectUriAsync(new Uri(sandbox.Gateway.KestrelAddress, "/connect/salesforce/callback"));
        return sandbox;
    }

    /// <summary>Another gateway with the same configuration (a replica, when the state is a shared PostgreSQL).</summary>
    public GatewayFactory CreateReplica(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new GatewayFactory(_standIn.GetMcpEndpoint(StandInOptions), settings, useKestrel: true);
    }

    /// <summary>Connects the gateway's own service account, as an operator's browser would.</summary>
    public async Task ConnectServiceAccountAsync(CancellationToken cancellationToken)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };
        using var page = await browser.GetAsync("/connect/salesforce", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    /// <summary>Every Salesforce token the gateway holds, read from its vault: what must never reach a client.</summary>
    public async Task<IReadOnlyList<string>> SalesforceTokensAsync()
    {
        var protector = Gateway.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Gateway.Credentials.UpstreamGrant.v1");
        await using var db = Gateway.Services.GetRequiredService<GatewayDatabase>().CreateContext();
        var tokens = new List<string>();
        foreach (var grant in await db.UpstreamGrants.AsNoTracking().ToListAsync())
        {
            tokens.AddRange(new[] { grant.ProtectedAccessToken, grant.ProtectedRefreshToken }.OfType<string>().Select(protector.Unprotect));
        }

        return tokens;
    }

    public async Task<bool> HasUserGrantAsync(StandInUser user)
    {
        await using var db = Gateway.Services.GetRequiredService<GatewayDatabase>().CreateContext();
        return await db.UpstreamGrants.AnyAsync(g => g.Id == UserGrants.GrantIdFor(user.OrganizationId, user.UserId));
    }

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await _standIn.StopAsync();
        await _standIn.DisposeAsync();
    }
}
