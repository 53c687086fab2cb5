using System.Security.Cryptography;
using System.Text;
using Gateway.Mcp;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.Inbound;

/// <summary>
/// Establishes the <see cref="GatewayPrincipal"/> of an MCP request from an API key or a static bearer
/// token. Secrets are hashed (SHA-256) and compared with every configured hash in constant time, so
/// neither the configuration nor the timing reveals a key. The credential itself never travels further:
/// the proxy strips it before anything is forwarded (MCP authorization: no token passthrough).
/// </summary>
internal sealed class InboundAuthenticator
{
    // A key longer than this is not a key; refusing early bounds the hashing work per request.
    private const int MaxSecretLength = 1024;

    private readonly ILogger<InboundAuthenticator> _logger;
    private readonly IIssuedTokenValidator? _issuedTokens;
    private volatile Snapshot _snapshot;

    public InboundAuthenticator(IOptionsMonitor<InboundAuthOptions> options, ILogger<InboundAuthenticator> logger, IIssuedTokenValidator? issuedTokens = null)
    {
        _logger = logger;
        _issuedTokens = issuedTokens;
        _snapshot = new Snapshot(options.CurrentValue);
        // Keys can be rotated by editing configuration; no restart needed.
        options.OnChange(updated => _snapshot = new Snapshot(updated));
    }

    /// <summary>The header that carries API keys; the proxy strips it before forwarding.</summary>
    public string ApiKeyHeader => _snapshot.ApiKeyHeader;

    /// <summary>
    /// API keys and static bearer tokens first (memory only); a bearer token that is neither, when the
    /// gateway's authorization server is on, is validated as one of its access tokens.
    /// </summary>
    public ValueTask<InboundAuthentication> AuthenticateAsync(HttpContext context)
    {
        if (TryAuthenticate(context.Request, bearerMayBeIssued: _issuedTokens is not null, out var principal, out var rejection))
        {
            return new(new InboundAuthentication(principal, null));
        }

        if (_issuedTokens is null)
        {
            return new(new InboundAuthentication(null, rejection));
        }

        return rejection.Reason == "invalid_token"
            ? ValidateIssuedTokenAsync(context, _issuedTokens)
            : new(new InboundAuthentication(null, OAuthChallenge(context.Request, rejection, error: null)));
    }

    /// <summary>A 401 that sends the client to sign in again, e.g. when its user's Salesforce grant is gone.</summary>
    public McpRejection SignInAgain(HttpRequest request, string message)
    {
        var rejection = _snapshot.Unauthorized("upstream_grant_gone", message);
        return OAuthChallenge(request, rejection, "invalid_token");
    }

    private async ValueTask<InboundAuthentication> ValidateIssuedTokenAsync(HttpContext context, IIssuedTokenValidator validator)
    {
        var result = await validator.ValidateAsync(context);
        if (result.Principal is { } principal)
        {
            return new InboundAuthentication(principal, null);
        }

        _logger.InboundCredentialRejected(InboundCredentialKind.OAuth);
        var rejection = result.InsufficientScope
            ? new McpRejection(StatusCodes.Status403Forbidden, JsonRpcErrorCodes.Unauthorized, "insufficient_scope", result.Description ?? "The access token lacks the scope the MCP endpoint needs.")
            : _snapshot.Unauthorized("invalid_token", result.Description ?? "The bearer token is not valid.");
        return new InboundAuthentication(null, OAuthChallenge(context.Request, rejection, result.Error ?? "invalid_token"));
    }

    private McpRejection OAuthChallenge(HttpRequest request, McpRejection rejection, string? error)
    {
        // The OAuth challenge comes first: MCP clients discover the authorization server from it.
        var challenge = _issuedTokens!.Challenge(request, error);
        var others = rejection.Headers?.FirstOrDefault(static h => h.Key == HeaderNames.WWWAuthenticate).Value;
        var value = others is { Length: > 0 } ? challenge + ", " + others : challenge;
        return rejection with { Headers = [new(HeaderNames.WWWAuthenticate, value)] };
    }

    public bool TryAuthenticate(HttpRequest request, [NotNullWhen(true)] out GatewayPrincipal? principal, [NotNullWhen(false)] out McpRejection? rejection) =>
        TryAuthenticate(request, bearerMayBeIssued: false, out principal, out rejection);

    // bearerMayBeIssued: a bearer token that is no static token may still be one the authorization
    // server issued; it is not logged as refused here (that would log every OAuth request), but by the
    // caller if the authorization server refuses it too.
    private bool TryAuthenticate(HttpRequest request, bool bearerMayBeIssued, [NotNullWhen(true)] out GatewayPrincipal? principal, [NotNullWhen(false)] out McpRejection? rejection)
    {
        var snapshot = _snapshot;
        var apiKey = request.Headers[snapshot.ApiKeyHeader];
        if (apiKey.Count > 0)
        {
            principal = apiKey.Count == 1 ? Match(snapshot.ApiKeys, apiKey[0]) : null;
            if (principal is null)
            {
                _logger.InboundCredentialRejected(InboundCredentialKind.ApiKey);
                rejection = snapshot.Unauthorized("invalid_api_key", "The API key is not valid.");
                return false;
            }

            rejection = null;
            return true;
        }

        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            var value = authorization.Count == 1 ? authorization[0] : null;
            principal = value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? Match(snapshot.BearerTokens, value.AsSpan(7).Trim())
                : null;
            if (principal is null)
            {
                if (!bearerMayBeIssued)
                {
                    _logger.InboundCredentialRejected(InboundCredentialKind.BearerToken);
                }

                rejection = snapshot.Unauthorized("invalid_token", "The bearer token is not valid.");
                return false;
            }

            rejection = null;
            return true;
        }

        if (snapshot.AllowAnonymous)
        {
            principal = GatewayPrincipal.Anonymous;
            rejection = null;
            return true;
        }

        principal = null;
        rejection = snapshot.Unauthorized("missing_credential", "Authentication is required.");
        return false;
    }

    private static GatewayPrincipal? Match(Entry[] entries, ReadOnlySpan<char> secret)
    {
        if (secret.IsEmpty || secret.Length > MaxSecretLength || entries.Length == 0)
        {
            return null;
        }

        Span<byte> utf8 = stackalloc byte[MaxSecretLength * 3];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        CryptographicOperations.ZeroMemory(utf8[..length]);

        // Compare with every entry, not stopping at a match, so timing does not tell which one matched.
        GatewayPrincipal? match = null;
        foreach (var entry in entries)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
            {
                match ??= entry.Principal;
            }
        }

        return match;
    }

    private sealed record Entry(byte[] Hash, GatewayPrincipal Principal);

    private sealed class Snapshot
    {
        private readonly KeyValuePair<string, string>[] _challenge;

        public Snapshot(InboundAuthOptions options)
        {
            ApiKeyHeader = options.ApiKeyHeader;
            AllowAnonymous = options.AllowAnonymous;
            ApiKeys = [.. options.ApiKeys.Select(static c => new Entry(Convert.FromHexString(c.Sha256), new GatewayPrincipal(c.Id, InboundCredentialKind.ApiKey)))];
            BearerTokens = [.. options.BearerTokens.Select(static c => new Entry(Convert.FromHexString(c.Sha256), new GatewayPrincipal(c.Id, InboundCredentialKind.BearerToken)))];

            // RFC 9110 §11.6.1: a 401 carries at least one challenge; name only the schemes configured.
            // (With the authorization server on, its Bearer challenge is put first per request.)
            var challenges = new List<string>();
            if (BearerTokens.Length > 0)
            {
                challenges.Add("Bearer realm=\"mcp-gateway\"");
            }

            if (ApiKeys.Length > 0 || challenges.Count == 0)
            {
                challenges.Add($"ApiKey realm=\"mcp-gateway\", header=\"{ApiKeyHeader}\"");
            }

            _challenge = [new(HeaderNames.WWWAuthenticate, string.Join(", ", challenges))];
        }

        public string ApiKeyHeader { get; }

        public bool AllowAnonymous { get; }

        public Entry[] ApiKeys { get; }

        public Entry[] BearerTokens { get; }

        public McpRejection Unauthorized(string reason, string message) =>
            new(StatusCodes.Status401Unauthorized, JsonRpcErrorCodes.Unauthorized, reason, message) { Headers = _challenge };
    }
}

/// <summary>Who the request is from, or the rejection to answer with.</summary>
internal readonly record struct InboundAuthentication(GatewayPrincipal? Principal, McpRejection? Rejection);
