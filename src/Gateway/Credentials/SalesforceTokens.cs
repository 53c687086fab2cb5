namespace Gateway.Credentials;

/// <summary>How a token request ended, in the terms the refresh logic acts on (reference/domain.md §2.4).</summary>
internal enum TokenOutcome
{
    Succeeded,

    /// <summary><c>invalid_grant</c>: the grant is gone (revoked, expired, rotated out). Terminal: reconnect.</summary>
    InvalidGrant,

    /// <summary>5xx, a timeout, a connection failure or <c>rate_limit_exceeded</c>: worth retrying with backoff.</summary>
    Transient,

    /// <summary>Any other refusal (<c>invalid_client</c>, <c>unsupported_grant_type</c>…): a configuration error, not retried.</summary>
    Refused,
}

/// <summary>
/// A Salesforce token response, or why there is none. Salesforce's shape (reference/domain.md §2.1):
/// no <c>expires_in</c>, <c>issued_at</c> in milliseconds, <c>instance_url</c>, the identity URL <c>id</c>,
/// and a <c>refresh_token</c> only on the first exchange or when rotation is on.
/// </summary>
internal sealed record SalesforceTokens(TokenOutcome Outcome)
{
    public string? AccessToken { get; init; }

    public string? RefreshToken { get; init; }

    /// <summary><c>expires_in</c> when the server sent one (Salesforce does not).</summary>
    public TimeSpan? ExpiresIn { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public string? InstanceUrl { get; init; }

    public string? IdentityUrl { get; init; }

    public string? Scope { get; init; }

    /// <summary>The OAuth error code (<c>invalid_grant</c>…) or a short reason; never a secret.</summary>
    public string? Error { get; init; }

    /// <summary>Salesforce's <c>error_description</c>; never a secret.</summary>
    public string? ErrorDescription { get; init; }

    [MemberNotNullWhen(true, nameof(AccessToken))]
    public bool Succeeded => Outcome == TokenOutcome.Succeeded && AccessToken is not null;

    /// <summary>What to tell an operator: the error and its description, without any token.</summary>
    public string Describe()
    {
        var text = ErrorDescription is { Length: > 0 } description ? $"{Error}: {description}" : Error ?? Outcome.ToString();
        return text.Length <= 500 ? text : text[..500]; // Stored and shown; a hostile server's essay is cut.
    }
}
