using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Gateway.Testing;

/// <summary>
/// Salesforce's OAuth endpoints as WireMock.Net stubs with Salesforce's exact shapes (reference/domain.md
/// §2): token responses without <c>expires_in</c>, <c>issued_at</c> in milliseconds, <c>instance_url</c>
/// and <c>id</c>, JWT access tokens whose <c>exp</c> follows the test's clock; refresh-token rotation that
/// revokes the grant when a rotated-out token is replayed; <c>invalid_grant</c> with Salesforce's wording;
/// revocation. Counts every request so tests assert exact numbers.
/// </summary>
public sealed class SalesforceOAuthStub : IDisposable
{
    public const string ClientId = "3MVG9-test-consumer-key";
    public const string ClientSecret = "consumer-secret-SECRET-4b1e8d20";
    public const string OrganizationId = "00D000000000042AAA";
    public const string UserId = "005000000000042AAA";
    public const string ValidCode = "aPrxCODE-SECRET-7791";

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SymmetricSecurityKey _signingKey = new(RandomNumberGenerator.GetBytes(32));
    private readonly Queue<(int Status, string Body)> _faults = new();
    private readonly List<string> _issued = [];
    private readonly List<TaskCompletionSource> _refreshWaiters = [];
    private string? _currentRefreshToken;
    private bool _revoked;
    private int _refreshes;
    private int _serial;

    public SalesforceOAuthStub(TimeProvider time)
    {
        _time = time;
        Server.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost()).RespondWith(Response.Create().WithCallback(Token));
        Server.Given(Request.Create().WithPath("/services/oauth2/revoke").UsingPost()).RespondWith(Response.Create().WithCallback(Revoke));
    }

    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>The login host to configure as <c>Gateway:Upstream:Credential:LoginUrl</c>.</summary>
    public string LoginUrl => Server.Url!;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Refresh-token rotation (ECA "Enable Refresh Token Rotation"): on by default, as the issue asks.</summary>
    public bool Rotation { get; set; } = true;

    public int CodeExchanges { get; private set; }

    public int Refreshes => Volatile.Read(ref _refreshes);

    public int ClientCredentialsRequests { get; private set; }

    public int Revocations { get; private set; }

    /// <summary>Refresh requests that presented a rotated-out token (Salesforce then revokes the grant).</summary>
    public int ReuseDetections { get; private set; }

    public int InvalidGrants { get; private set; }

    public string? LastCodeVerifier { get; private set; }

    public string? LastRedirectUri { get; private set; }

    public string? LastRevokedToken { get; private set; }

    /// <summary>Every token this stub handed out, for scans of what the gateway emitted.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _issued];
            }
        }
    }

    /// <summary>The JWT access tokens issued, in order.</summary>
    public IReadOnlyList<string> IssuedAccessTokens => [.. IssuedTokens.Where(static t => t.StartsWith("eyJ", StringComparison.Ordinal))];

    /// <summary>The refresh tokens issued, in order.</summary>
    public IReadOnlyList<string> IssuedRefreshTokens => [.. IssuedTokens.Where(static t => !t.StartsWith("eyJ", StringComparison.Ordinal))];

    /// <summary>The refresh tokens the gateway sent, in order.</summary>
    public List<string> PresentedRefreshTokens { get; } = [];

    /// <summary>The next token requests fail with this status and body, in order (5xx, rate limits…).</summary>
    public void EnqueueFailure(int status, string body)
    {
        lock (_gate)
        {
            _faults.Enqueue((status, body));
        }
    }

    /// <summary>An admin revoked the app's access: every refresh now gets <c>invalid_grant</c>.</summary>
    public void RevokeGrant()
    {
        lock (_gate)
        {
            _revoked = true;
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> refresh requests were answered.</summary>
    public Task WaitForRefreshesAsync(int count)
    {
        lock (_gate)
        {
            if (_refreshes >= count)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _refreshWaiters.Add(waiter);
            return WaitAsync(waiter, count);
        }
    }

    private async Task WaitAsync(TaskCompletionSource waiter, int count)
    {
        while (true)
        {
            await waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
            lock (_gate)
            {
                if (_refreshes >= count)
                {
                    return;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _refreshWaiters.Add(waiter);
            }
        }
    }

    /// <summary>A JWT access token as Salesforce issues them (RS256 there; a test key here), expiring after the lifetime.</summary>
    public string IssueAccessToken()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = LoginUrl,
            Audience = "https://api.salesforce.com",
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AccessTokenLifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = UserId,
                ["scp"] = "api sfap_api refresh_token einstein_gpt_api",
                ["client_id"] = ClientId,
                ["jti"] = Interlocked.Increment(ref _serial).ToString(CultureInfo.InvariantCulture),
            },
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.HmacSha256),
        });
        Remember(token);
        return token;
    }

    private ResponseMessage Token(IRequestMessage request)
    {
        var form = Form(request.Body);
        lock (_gate)
        {
            if (_faults.TryDequeue(out var fault))
            {
                if (form.GetValueOrDefault("grant_type") == "refresh_token")
                {
                    CountRefresh();
                }

                return Json(fault.Status, fault.Body);
            }
        }

        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                lock (_gate)
                {
                    CodeExchanges++;
                    LastCodeVerifier = form.GetValueOrDefault("code_verifier");
                    LastRedirectUri = form.GetValueOrDefault("redirect_uri");
                    if (form.GetValueOrDefault("code") != ValidCode || form.GetValueOrDefault("client_id") != ClientId || LastCodeVerifier is null)
                    {
                        return InvalidGrant("invalid authorization code");
                    }

                    _revoked = false;
                    _currentRefreshToken = NewRefreshToken();
                    return Tokens(_currentRefreshToken);
                }

            case "refresh_token":
                lock (_gate)
                {
                    var presented = form.GetValueOrDefault("refresh_token") ?? "";
                    PresentedRefreshTokens.Add(presented);
                    CountRefresh();
                    if (_revoked || _currentRefreshToken is null)
                    {
                        return InvalidGrant("expired access/refresh token");
                    }

                    if (presented != _currentRefreshToken)
                    {
                        // Salesforce: replaying a rotated-out refresh token invalidates the current one too (§2.3).
                        ReuseDetections++;
                        _revoked = true;
                        return InvalidGrant("expired access/refresh token");
                    }

                    if (!Rotation)
                    {
                        return Tokens(refreshToken: null);
                    }

                    _currentRefreshToken = NewRefreshToken();
                    return Tokens(_currentRefreshToken);
                }

            case "client_credentials":
                lock (_gate)
                {
                    ClientCredentialsRequests++;
                    return form.GetValueOrDefault("client_id") == ClientId && form.GetValueOrDefault("client_secret") == ClientSecret
                        ? Tokens(refreshToken: null)
                        : Json(400, """{"error":"invalid_client","error_description":"invalid client credentials"}""");
                }

            default:
                return Json(400, """{"error":"unsupported_grant_type","error_description":"grant type not supported"}""");
        }
    }

    private ResponseMessage Revoke(IRequestMessage request)
    {
        var token = Form(request.Body).GetValueOrDefault("token");
        lock (_gate)
        {
            Revocations++;
            LastRevokedToken = token;
            if (token is null || !_issued.Contains(token))
            {
                return Json(400, """{"error":"invalid_token","error_description":"invalid token"}""");
            }

            if (token == _currentRefreshToken)
            {
                _revoked = true;
            }

            return new ResponseMessage { StatusCode = 200 };
        }
    }

    private void CountRefresh()
    {
        _refreshes++;
        foreach (var waiter in _refreshWaiters)
        {
            waiter.TrySetResult();
        }

        _refreshWaiters.Clear();
    }

    private ResponseMessage InvalidGrant(string description)
    {
        InvalidGrants++;
        return Json(400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = description }.ToJsonString());
    }

    private ResponseMessage Tokens(string? refreshToken)
    {
        var issuedAt = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["access_token"] = IssueAccessToken(),
            ["signature"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["scope"] = "api sfap_api refresh_token einstein_gpt_api",
            ["instance_url"] = LoginUrl,
            ["id"] = $"{LoginUrl}/id/{OrganizationId}/{UserId}",
            ["token_type"] = "Bearer",
            ["issued_at"] = issuedAt,
        };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        return Json(200, body.ToJsonString());
    }

    private string NewRefreshToken()
    {
        var token = "5Aep861-refresh-SECRET-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        Remember(token);
        return token;
    }

    private void Remember(string token)
    {
        lock (_gate)
        {
            _issued.Add(token);
        }
    }

    private static ResponseMessage Json(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>>
        {
            ["Content-Type"] = new("application/json;charset=UTF-8"),
            ["Cache-Control"] = new("no-store"),
        },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };

    private static Dictionary<string, string> Form(string? body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (body ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = WebUtility.UrlDecode(separator < 0 ? pair : pair[..separator]);
            form[key] = separator < 0 ? "" : WebUtility.UrlDecode(pair[(separator + 1)..]);
        }

        return form;
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }
}
