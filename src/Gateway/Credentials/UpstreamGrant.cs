namespace Gateway.Credentials;

/// <summary>
/// One Salesforce grant the gateway holds: the service account an operator connected, the client
/// credentials grant, or (later) one user's. Tokens are stored only as Data Protection payloads.
/// </summary>
internal sealed class UpstreamGrant
{
    /// <summary>Which grant: <see cref="ServiceAccountId"/>, <see cref="ClientCredentialsId"/>, or a user's.</summary>
    public required string Id { get; set; }

    public const string ServiceAccountId = "service-account";
    public const string ClientCredentialsId = "client-credentials";

    /// <summary>The refresh token, protected; absent for client credentials (Salesforce issues none).</summary>
    public string? ProtectedRefreshToken { get; set; }

    /// <summary>The current access token, protected, so replicas and restarts reuse it instead of refreshing.</summary>
    public string? ProtectedAccessToken { get; set; }

    /// <summary>When the current access token expires, and where that came from (<see cref="ExpirySource"/>).</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    public string? ExpirySource { get; set; }

    /// <summary>Salesforce's <c>instance_url</c>: the org's My Domain, where revocation goes.</summary>
    public string? InstanceUrl { get; set; }

    /// <summary>Salesforce's identity URL (<c>id</c>): <c>…/id/{orgId}/{userId}</c>.</summary>
    public string? IdentityUrl { get; set; }

    public string? UserId { get; set; }

    public string? OrganizationId { get; set; }

    public string? Scope { get; set; }

    /// <summary>Set when Salesforce answered <c>invalid_grant</c>: the grant is gone until an operator reconnects.</summary>
    public string? ReconnectReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastRefreshAt { get; set; }

    /// <summary>How the last refresh ended: <c>connected</c>, <c>succeeded</c>, <c>invalid_grant</c>, <c>transient</c> or <c>refused</c>.</summary>
    public string? LastRefreshOutcome { get; set; }

    /// <summary>Bumped on every write; an optimistic concurrency token, so two writers can't both win.</summary>
    public long Version { get; set; }
}
