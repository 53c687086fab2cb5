namespace Gateway.Credentials;

/// <summary>
/// The bearer token to present upstream, or why there is none. A value, not an exception: an
/// unavailable credential is an expected state the proxy reports to the client (STYLE.md §5).
/// </summary>
public readonly record struct UpstreamCredentialResult
{
    private UpstreamCredentialResult(string? accessToken, string? error)
    {
        AccessToken = accessToken;
        Error = error;
    }

    public string? AccessToken { get; }

    /// <summary>Why no token is available, in words safe to show a client (never a secret).</summary>
    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(AccessToken))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => AccessToken is not null;

    public static UpstreamCredentialResult Success(string accessToken) => new(accessToken, null);

    public static UpstreamCredentialResult Failure(string error) => new(null, error);
}

/// <summary>What readiness reports about the upstream credential. Never carries a secret.</summary>
public sealed record UpstreamCredentialStatus(bool Usable, string Mode, string Description)
{
    /// <summary>Extra non-secret detail for the readiness body (e.g. seconds until expiry).</summary>
    public IReadOnlyDictionary<string, object> Data { get; init; } = new Dictionary<string, object>();
}
