namespace Gateway.Credentials;

/// <summary>
/// What one process knows of a grant, replaced whole on every change so the request path reads it
/// without a lock. Holds the access token in memory only: a fresh token costs no I/O per request.
/// </summary>
internal sealed record GrantSnapshot
{
    public static readonly GrantSnapshot Unknown = new() { State = GrantState.Unknown };

    public required GrantState State { get; init; }

    /// <summary>The current access token. A secret: never logged, never in <see cref="UpstreamCredentialStatus"/>.</summary>
    public string? AccessToken { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? ExpirySource { get; init; }

    public DateTimeOffset? LastRefreshAt { get; init; }

    public string? LastRefreshOutcome { get; init; }

    /// <summary>When the next refresh is planned: ahead of expiry, or after a failure's backoff.</summary>
    public DateTimeOffset? NextRefreshAt { get; init; }

    /// <summary>Why the grant needs an operator (e.g. Salesforce's <c>invalid_grant</c> description).</summary>
    public string? Problem { get; init; }

    public string? UserId => Account?.UserId;

    public string? OrganizationId => Account?.OrganizationId;

    /// <summary>Built once per snapshot, so the hot path hands it out without allocating.</summary>
    public UpstreamAccount? Account { get; init; }

    /// <summary>When this process last read the grant from the store.</summary>
    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>Consecutive failed refreshes, for the backoff.</summary>
    public int Failures { get; init; }

    public bool IsUsable(DateTimeOffset now) => AccessToken is not null && now < ExpiresAt;
}

internal enum GrantState
{
    /// <summary>Not read from the store yet.</summary>
    Unknown,

    /// <summary>No grant stored: an operator has to connect one.</summary>
    NotConnected,

    Connected,

    /// <summary>Salesforce said <c>invalid_grant</c>: the grant is gone until an operator reconnects.</summary>
    NeedsReconnect,
}
