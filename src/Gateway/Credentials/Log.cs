namespace Gateway.Credentials;

/// <summary>Credential log events: EventIds 3000–3099. No token ever appears in a message.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Salesforce token for grant {GrantId} refreshed; expires {ExpiresAt:O} (from {ExpirySource}); refresh token rotated: {Rotated}.")]
    public static partial void TokenRefreshed(ILogger logger, string grantId, DateTimeOffset expiresAt, string expirySource, bool rotated);

    [LoggerMessage(3002, LogLevel.Warning, "Salesforce token request for grant {GrantId} failed ({Outcome}): {Reason}.")]
    public static partial void RefreshRefused(ILogger logger, string grantId, string outcome, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Salesforce token endpoint failed transiently for grant {GrantId} ({Reason}); retry {Attempt}.")]
    public static partial void TransientRetry(ILogger logger, string grantId, string reason, int attempt);

    [LoggerMessage(3004, LogLevel.Error, "The refreshed token for grant {GrantId} could not be stored; it is not used, and is stored on the next attempt.")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string grantId);

    [LoggerMessage(3005, LogLevel.Error, "Refreshing grant {GrantId} failed outside the token endpoint (database or key ring); the current token, if still valid, keeps serving.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string grantId);

    [LoggerMessage(3006, LogLevel.Warning, "A stored token of grant {GrantId} could not be decrypted; is the Data Protection key ring shared?")]
    public static partial void UnprotectFailed(ILogger logger, Exception exception, string grantId);

    [LoggerMessage(3007, LogLevel.Information, "Salesforce grant {GrantId} connected: user {UserId}, org {OrganizationId}; token expires {ExpiresAt:O} (from {ExpirySource}).")]
    public static partial void GrantConnected(ILogger logger, string grantId, string userId, string organizationId, DateTimeOffset expiresAt, string expirySource);

    [LoggerMessage(3008, LogLevel.Information, "Salesforce grant {GrantId} disconnected ({Revocation}).")]
    public static partial void GrantDisconnected(ILogger logger, string grantId, string revocation);

    [LoggerMessage(3009, LogLevel.Warning, "The replaced refresh token of grant {GrantId} could not be revoked ({Reason}); it still counts toward the user's approvals.")]
    public static partial void RevokeReplacedFailed(ILogger logger, string grantId, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Upstream credential mode {Mode}. Register this callback URL on the External Client App: {CallbackUrl}")]
    public static partial void CallbackUrl(ILogger logger, UpstreamCredentialMode mode, string callbackUrl);

    [LoggerMessage(3011, LogLevel.Warning, "Salesforce connect failed: {Reason}.")]
    public static partial void ConnectFailed(ILogger logger, string reason);

    [LoggerMessage(3012, LogLevel.Warning, "Refused a request to {Path} from {RemoteAddress}: {Reason}.")]
    public static partial void ConnectAccessDenied(ILogger logger, string path, string remoteAddress, string reason);
}
