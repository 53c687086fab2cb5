using System.Collections.Concurrent;
using System.Security.Cryptography;
using Gateway.Inbound;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Sessions;

/// <summary>
/// Binds an MCP session to the principal that opened it, with no session table: the id the client
/// sees seals (authenticated encryption, ASP.NET Core Data Protection) the upstream's session id
/// together with the principal's id. Any replica holding the same Data Protection keys can open it,
/// and a session id opened by another principal, or forged, or sealed with a retired key, is simply
/// unknown: 404, after which "the client MUST start a new session" (MCP 2025-03-26 basic/transports).
/// "MCP servers ... SHOULD bind session IDs to user-specific information" (MCP security best practices).
/// </summary>
internal sealed class SessionBinder(IDataProtectionProvider provider, TimeProvider timeProvider)
{
    // Opening a sealed id costs ~6 µs and ~1.3 KB in Data Protection (tests/Gateway.Benchmarks), paid
    // on every request of a session. A sealed id is authenticated, so what it opens to never changes,
    // but its key can be revoked: a remembered result lives at most CacheLifetime, after which the id
    // is opened again and a revoked key makes it unknown. Bounded; cleared whole when full.
    internal static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const int MaxCachedSessions = 10_000;

    // Changing the purpose string invalidates every outstanding session id; version it on purpose.
    // v2 added the session's start time (for mcp.server.session.duration).
    private readonly IDataProtector _protector = provider.CreateProtector("Gateway.Sessions.McpSessionId.v2");
    private readonly ConcurrentDictionary<string, Opened> _opened = new(StringComparer.Ordinal);

    /// <summary>The client-facing id for <paramref name="upstreamSessionId"/> opened by <paramref name="principal"/>.</summary>
    public string Seal(GatewayPrincipal principal, string upstreamSessionId) =>
        // Protect(string) yields base64url: visible ASCII, as the transport requires of session ids.
        _protector.Protect(string.Concat(principal.Id, "\n",
            timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "\n", upstreamSessionId));

    /// <summary>Opens a client-facing id; <see langword="null"/> when it is unreadable or belongs to another principal.</summary>
    public string? Unseal(GatewayPrincipal principal, string clientSessionId) => Unseal(principal, clientSessionId, out _);

    /// <summary>Opens a client-facing id, and tells when the session began (when the gateway sealed its id).</summary>
    public string? Unseal(GatewayPrincipal principal, string clientSessionId, out DateTimeOffset startedAt)
    {
        startedAt = default;
        var now = timeProvider.GetTimestamp();
        if (!_opened.TryGetValue(clientSessionId, out var opened) || timeProvider.GetElapsedTime(opened.OpenedAt, now) > CacheLifetime)
        {
            opened = Open(clientSessionId, now);
            if (opened is null)
            {
                _opened.TryRemove(clientSessionId, out _);
                return null;
            }

            if (_opened.Count >= MaxCachedSessions)
            {
                _opened.Clear();
            }

            _opened[clientSessionId] = opened;
        }

        if (!string.Equals(opened.PrincipalId, principal.Id, StringComparison.Ordinal))
        {
            return null;
        }

        startedAt = opened.StartedAt;
        return opened.UpstreamSessionId;
    }

    private Opened? Open(string clientSessionId, long now)
    {
        string plain;
        try
        {
            plain = _protector.Unprotect(clientSessionId);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }

        // Principal ids cannot contain '\n' (validated at start-up), and the start time is digits: the
        // first two split the triple; the upstream id is the rest.
        var first = plain.IndexOf('\n', StringComparison.Ordinal);
        var second = first > 0 ? plain.IndexOf('\n', first + 1) : -1;
        return second > first + 1
            && long.TryParse(plain.AsSpan(first + 1, second - first - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var startedMs)
            ? new Opened(plain[..first], plain[(second + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(startedMs), now)
            : null;
    }

    private sealed record Opened(string PrincipalId, string UpstreamSessionId, DateTimeOffset StartedAt, long OpenedAt);
}
