namespace Gateway.Authorization;

/// <summary>Authorization server log events: EventIds 8000–8099. No token, code or secret ever appears in a message.</summary>
internal static partial class Log
{
    [LoggerMessage(8001, LogLevel.Information, "OAuth client {ClientId} registered dynamically ({ClientType}, redirect hosts {RedirectHosts}).")]
    public static partial void ClientRegistered(ILogger logger, string clientId, string clientType, string redirectHosts);

    [LoggerMessage(8002, LogLevel.Information, "Dynamic client registration refused: {Error}: {Description}")]
    public static partial void RegistrationRefused(ILogger logger, string error, string description);

    [LoggerMessage(8003, LogLevel.Information, "User {Subject} signed in through Salesforce; their grant {GrantId} is stored.")]
    public static partial void UserSignedIn(ILogger logger, string subject, string grantId);

    [LoggerMessage(8004, LogLevel.Warning, "A federated sign-in failed: {Reason}")]
    public static partial void SignInFailed(ILogger logger, string reason);

    [LoggerMessage(8005, LogLevel.Information, "User {Subject} {Decision} client {ClientId}.")]
    public static partial void ConsentAnswered(ILogger logger, string subject, string decision, string clientId);

    [LoggerMessage(8006, LogLevel.Information, "Pre-registered OAuth client {ClientId} {Action}.")]
    public static partial void ClientSeeded(ILogger logger, string clientId, string action);

    [LoggerMessage(8007, LogLevel.Warning, "Gateway:Authorization:PublicBaseUrl is not set: the issuer and the MCP resource URL are {BaseUrl}, the address the gateway listens on. Set it to the URL clients use.")]
    public static partial void PublicBaseUrlDerived(ILogger logger, string baseUrl);

    [LoggerMessage(8008, LogLevel.Information, "Refresh refused for {Subject}: their Salesforce grant {GrantId} is gone; the client must sign in again.")]
    public static partial void UserGrantGone(ILogger logger, string subject, string grantId);

    [LoggerMessage(8009, LogLevel.Information, "The authorization server's users sign in through Salesforce with the callback {CallbackUrl}; register it on the External Client App.")]
    public static partial void SignInCallbackUrl(ILogger logger, string callbackUrl);
}
