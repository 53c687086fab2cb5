namespace Gateway.Authorization;

/// <summary>
/// The gateway as its clients' OAuth authorization server (<c>Gateway:Authorization</c>): MCP
/// authorization discovery, Dynamic Client Registration, authorization code + PKCE with the user's
/// login federated to Salesforce, refresh tokens, client credentials for machine clients.
/// </summary>
public sealed class AuthorizationServerOptions
{
    public const string SectionName = "Gateway:Authorization";

    /// <summary>Turns the authorization server and the inbound mode <c>oauth</c> on. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The gateway's public origin as clients reach it, e.g. <c>https://mcp-gateway.example.com</c>: the
    /// issuer, and with <c>Gateway:Mcp:Path</c> the canonical MCP URL tokens are issued for (RFC 8707).
    /// HTTPS except on loopback. Unset, the first address the gateway listens on is used (local runs only).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The scope an access token must carry to use the MCP endpoint. Default <c>mcp</c>.</summary>
    public string Scope { get; set; } = "mcp";

    /// <summary>Lifetime of the access tokens the gateway issues. Default 1 hour.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of the refresh tokens the gateway issues (rotated on every use). Default 14 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Lifetime of an authorization code. Default 5 minutes.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the gateway's sign-in cookie lasts between the Salesforce login and the consent answer.
    /// Default 10 minutes: each new authorization goes through Salesforce's login (its own session
    /// usually makes that a redirect).
    /// </summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Checks every access token against the token store, so a revoked token or authorization stops
    /// working at once rather than at expiry. Costs one database read per MCP request. Default <see langword="true"/>.
    /// </summary>
    public bool ValidateTokenEntries { get; set; } = true;

    /// <summary>Dynamic Client Registration (RFC 7591) at <c>/oauth/register</c>.</summary>
    public ClientRegistrationOptions Registration { get; set; } = new();

    /// <summary>Pre-registered clients: for the DevOps Agent's "3LO" with a fixed client, or its "OAuth Client Credentials".</summary>
    public List<ConfiguredClient> Clients { get; set; } = [];
}

/// <summary>Who may register clients dynamically.</summary>
public enum RegistrationPolicy
{
    /// <summary>No dynamic registration: only <c>Gateway:Authorization:Clients</c>.</summary>
    Closed,

    /// <summary>Anyone, as long as every redirect URI's host is in <see cref="ClientRegistrationOptions.AllowedRedirectHosts"/>.</summary>
    AllowedRedirectHosts,

    /// <summary>Callers presenting the initial access token (RFC 7591 §3) whose hash is configured.</summary>
    InitialAccessToken,

    /// <summary>Anyone (redirect URIs still HTTPS or loopback). Each client still needs each user's consent.</summary>
    Open,
}

/// <summary><c>Gateway:Authorization:Registration</c>.</summary>
public sealed class ClientRegistrationOptions
{
    /// <summary>Default <see cref="RegistrationPolicy.AllowedRedirectHosts"/>.</summary>
    public RegistrationPolicy Policy { get; set; } = RegistrationPolicy.AllowedRedirectHosts;

    /// <summary>
    /// Redirect hosts accepted under <see cref="RegistrationPolicy.AllowedRedirectHosts"/> (exact host names).
    /// Default: the AWS DevOps Agent's callback host and loopback (desktop MCP clients).
    /// </summary>
    public List<string> AllowedRedirectHosts { get; set; } = ["api.prod.cp.aidevops.us-east-1.api.aws", "localhost", "127.0.0.1", "[::1]"];

    /// <summary>The hex SHA-256 of the initial access token, under <see cref="RegistrationPolicy.InitialAccessToken"/>.</summary>
    public string? InitialAccessTokenSha256 { get; set; }

    /// <summary>Registrations accepted per client IP address per <see cref="Window"/>; more get 429. Default 10.</summary>
    public int PermitLimit { get; set; } = 10;

    /// <summary>Default 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>One pre-registered client (<c>Gateway:Authorization:Clients:N</c>).</summary>
public sealed class ConfiguredClient
{
    /// <summary>Letters, digits, <c>.</c>, <c>_</c>, <c>-</c> (the DevOps Agent's pattern for client ids).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The secret of a confidential client (keep it in an environment variable or secret store); none for a public client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The name shown on the consent page.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Redirect URIs for the authorization code flow (HTTPS or loopback); none for a machine client.</summary>
    public List<string> RedirectUris { get; set; } = [];

    /// <summary>
    /// A machine client: the client credentials grant (needs <see cref="ClientSecret"/>). Its calls run
    /// as the gateway's own Salesforce credential (<c>Gateway:Upstream:Credential:Mode</c>).
    /// </summary>
    public bool ClientCredentials { get; set; }
}
