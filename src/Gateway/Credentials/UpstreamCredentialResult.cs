namespace Gateway.Credentials;

/// <summary>
/// The bearer token to present upstream, or why there is none. A value, not an exception: an
/// unavailable credential is an expected state the proxy reports to the client (STYLE.md §5).
/// </summary>
public readonly record struct UpstreamCredentialResult
{
    private UpstreamCredentialResult(string? accessToken, string? error, UpstreamAccount? account, bool requiresSignIn = false)
    {
        AccessToken = accessToken;
        Error = error;
        Account = account;
        RequiresSignIn = requiresSignIn;
    }

    public string? AccessToken { get; }

    /// <summary>The Salesforce user and org the token acts as, when the grant says (for the audit trail).</summary>
    public UpstreamAccount? Account { get; }

    /// <summary>Why no token is available, in words safe to show a client (never a secret).</summary>
    public string? Error { get; }

    /// <summary>
    /// The caller's own upstream grant is gone (a user's Salesforce grant was revoked): the client must
    /// sign in again, so the proxy answers 401 rather than 503.
    /// </summary>
    public bool RequiresSignIn { get; }

    [MemberNotNullWhen(true, nameof(AccessToken))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => AccessToken is not null;

    public static UpstreamCredentialResult Success(string accessToken, UpstreamAccount? account = null) => new(accessToken, null, account);

    public static UpstreamCredentialResult Failure(string error, bool requiresSignIn = false) => new(null, error, null, requiresSignIn);
}

/// <summary>The upstream identity a token acts as: Salesforce's user and org ids, never a secret.</summary>
public sealed record UpstreamAccount(string? UserId, string? OrganizationId);

/// <summary>What readiness reports about the upstream credential. Never carries a secret.</summary>
public sealed record UpstreamCredentialStatus(bool Usable, string Mode, string Description)
{
    /// <summary>Extra non-secret detail for the readiness body (e.g. seconds until expiry).</summary>
    public IReadOnlyDictionary<string, object> Data { get; init; } = new Dictionary<string, object>();
}
