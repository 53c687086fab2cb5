namespace SalesforceStandIn;

/// <summary>
/// The stand-in's Salesforce-like OAuth authority (<see cref="StandInOptions.Authority"/>): authorization
/// code + PKCE, refresh with rotation and reuse detection, client credentials, revocation — with
/// Salesforce's token response shape (no <c>expires_in</c>, <c>issued_at</c> in milliseconds, JWT access
/// tokens whose <c>exp</c> is the real expiry).
/// </summary>
public sealed class StandInAuthorityOptions
{
    /// <summary>Serve the authority. Off by default: the MCP endpoint then accepts only <see cref="StandInOptions.AcceptedTokens"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The public (PKCE) client the gateway's connect flow uses; no secret.</summary>
    public string PublicClientId { get; set; } = "gateway-sandbox";

    /// <summary>The redirect URIs the public client may use, matched exactly.</summary>
    public IList<string> RedirectUris { get; } = [];

    /// <summary>The confidential client of the client credentials flow.</summary>
    public string ConfidentialClientId { get; set; } = "gateway-cc";

    /// <summary>Its secret. A sandbox value: never a real one.</summary>
    public string ConfidentialClientSecret { get; set; } = "sandbox-client-secret";

    /// <summary>Who /authorize approves without a login page (unless <c>login_hint</c> names another of <see cref="Users"/>), and who the client credentials flow runs as.</summary>
    public StandInUser User { get; set; } = new("005000000000001AAA", "00D000000000001AAA", "sandbox.user@example.com", "Sandbox User");

    /// <summary>
    /// Further users of the same org. An authorization request whose <c>login_hint</c> is one of their
    /// usernames is approved as that user: two users, two identities upstream, no login page to drive.
    /// </summary>
    public IList<StandInUser> Users { get; } = [];

    /// <summary>
    /// Show a login page (pick one of the users) when an authorization request's <c>login_hint</c> names
    /// no known user, as Salesforce's login page would, instead of approving as <see cref="User"/> at
    /// once. For browser tests and the interactive sandbox. Default <see langword="false"/>.
    /// </summary>
    public bool LoginPage { get; set; }

    /// <summary>The user with this id: <see cref="User"/> or one of <see cref="Users"/>.</summary>
    public StandInUser? FindUser(string? userId) =>
        userId is null ? null : userId == User.UserId ? User : Users.FirstOrDefault(u => u.UserId == userId);

    /// <summary>How long access tokens live (their JWT <c>exp</c>). Default 30 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Issue a new refresh token on every refresh and retire the old one (ECA "Enable Refresh Token Rotation").</summary>
    public bool RefreshTokenRotation { get; set; } = true;

    /// <summary>
    /// Replaying a rotated-out refresh token revokes the whole grant, as Salesforce does
    /// (reference/domain.md §2.3). Off: a short grace period lets a replay through.
    /// </summary>
    public bool ReuseDetection { get; set; } = true;

    /// <summary>The authority's clock, for issuing and checking tokens (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
