namespace Gateway.Credentials;

/// <summary>How the gateway authenticates to the upstream MCP server (<c>Gateway:Upstream:Credential</c>).</summary>
public sealed class UpstreamCredentialOptions
{
    public const string SectionName = "Gateway:Upstream:Credential";

    /// <summary>
    /// <c>Static</c>: a fixed bearer token from <see cref="StaticToken"/>. <c>ServiceAccount</c>: an operator
    /// connects a Salesforce user once (authorization code + PKCE at <c>/connect/salesforce</c>); the gateway
    /// stores and refreshes that grant. <c>ClientCredentials</c>: Salesforce's client credentials flow with
    /// the External Client App's run-as user.
    /// </summary>
    public UpstreamCredentialMode Mode { get; set; } = UpstreamCredentialMode.Static;

    /// <summary>
    /// The bearer token sent upstream in <c>Static</c> mode. A secret: supply it through the environment
    /// (<c>Gateway__Upstream__Credential__StaticToken</c>) or a secret store, not a committed file.
    /// </summary>
    public string? StaticToken { get; set; }

    /// <summary>
    /// The Salesforce login host the OAuth endpoints live on: <c>https://login.salesforce.com</c> (default),
    /// <c>https://test.salesforce.com</c> for sandboxes, or the org's My Domain login URL (preferred; the
    /// client credentials flow needs it). Endpoints are <c>{LoginUrl}/services/oauth2/{authorize,token,revoke,introspect}</c>.
    /// </summary>
    public string LoginUrl { get; set; } = "https://login.salesforce.com";

    /// <summary>The External Client App's consumer key.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The consumer secret: optional for <c>ServiceAccount</c> (PKCE public clients need none), required for
    /// <c>ClientCredentials</c>. A secret: supply it through <c>Gateway__Upstream__Credential__ClientSecret</c>.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The scopes requested at connect time. Default: the beta set the user's setup uses plus
    /// <c>offline_access</c>. Salesforce's GA hosted MCP wants <c>mcp_api refresh_token</c> (reference/domain.md §0.2).
    /// </summary>
    public string Scopes { get; set; } = "api sfap_api refresh_token einstein_gpt_api offline_access";

    /// <summary>Refresh this long before the access token expires, so no request waits for a refresh. Default 5 minutes.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The lifetime assumed when neither <c>expires_in</c>, the JWT <c>exp</c> nor introspection tells it.
    /// Default 30 minutes: well inside Salesforce's default two-hour session timeout.
    /// </summary>
    public TimeSpan FallbackLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Ask Salesforce's introspection endpoint for <c>exp</c> when the access token is not a JWT. Default off.</summary>
    public bool UseIntrospection { get; set; }

    /// <summary>How long one token request may take. Default 30 seconds.</summary>
    public TimeSpan TokenRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a transient token-endpoint failure (5xx, timeout, <c>rate_limit_exceeded</c>) per refresh. Default 3.</summary>
    public int TransientRetries { get; set; } = 3;

    /// <summary>The first retry delay; each next one doubles, with full jitter. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a replica whose grant needs reconnecting re-reads the store, to notice another replica's
    /// reconnect. Reads only the database, never the token endpoint. Default 15 seconds.
    /// </summary>
    public TimeSpan ReconnectCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The operator routes that connect and disconnect the service account.</summary>
    public ConnectOptions Connect { get; set; } = new();
}

/// <summary>Where the upstream bearer token comes from.</summary>
public enum UpstreamCredentialMode
{
    Static,
    ServiceAccount,
    ClientCredentials,
}

/// <summary>The operator routes under <c>/connect/salesforce</c> (<c>Gateway:Upstream:Credential:Connect</c>).</summary>
public sealed class ConnectOptions
{
    /// <summary>
    /// Who may use the routes: <c>Loopback</c> (default; only requests from the gateway's own machine) or
    /// <c>AdminKey</c> (HTTP Basic with any user name and an admin key as the password, so a browser prompts).
    /// </summary>
    public ConnectAccess Access { get; set; } = ConnectAccess.Loopback;

    /// <summary>Lower-case hex SHA-256 digests of admin keys, for <c>AdminKey</c> access. Keys themselves are never configured.</summary>
    public IList<string> AdminKeySha256 { get; } = [];

    /// <summary>
    /// The public base URL of the gateway as the operator's browser reaches it (e.g. <c>https://gateway.example.com</c>).
    /// The callback URL to register on the External Client App is <c>{PublicBaseUrl}/connect/salesforce/callback</c>.
    /// Default: taken from each request's scheme and host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

public enum ConnectAccess
{
    Loopback,
    AdminKey,
}
