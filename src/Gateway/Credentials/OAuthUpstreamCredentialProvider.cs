using System.Data.Common;
using Gateway.Inbound;
using Gateway.State;
using Gateway.Telemetry;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

/// <summary>
/// Salesforce tokens for the <c>ServiceAccount</c> and <c>ClientCredentials</c> modes. A fresh token comes
/// from memory. Refreshes are single-flight in the process (<see cref="GrantSlot"/>) and, through a
/// database lock, across replicas: the refresher re-reads the grant under the lock and uses a token
/// another replica stored instead of refreshing again. A new token is stored (rotated refresh token
/// included) before it is used (DESIGN.md "Credentials"; reference/domain.md §2.3).
/// </summary>
internal sealed partial class OAuthUpstreamCredentialProvider : IUpstreamCredentialProvider
{
    private const string ProtectorPurpose = "Gateway.Credentials.UpstreamGrant.v1";
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    private readonly GatewayDatabase _database;
    private readonly SalesforceTokenClient _client;
    private readonly IDataProtector _protector;
    private readonly UpstreamCredentialOptions _options;
    private readonly TimeProvider _time;
    private readonly GatewayInstrumentation _instrumentation;
    private readonly ILogger<OAuthUpstreamCredentialProvider> _logger;
    private readonly CancellationToken _stopping;
    private readonly GrantSlot _slot;
    private readonly GrantKind _kind;

    public OAuthUpstreamCredentialProvider(
        GatewayDatabase database,
        SalesforceTokenClient client,
        IDataProtectionProvider dataProtection,
        IOptions<UpstreamCredentialOptions> options,
        TimeProvider time,
        GatewayInstrumentation instrumentation,
        IHostApplicationLifetime lifetime,
        ILogger<OAuthUpstreamCredentialProvider> logger)
        : this(database, client, dataProtection, options, time, instrumentation, lifetime, logger,
            options.Value.Mode == UpstreamCredentialMode.ClientCredentials ? UpstreamGrant.ClientCredentialsId : UpstreamGrant.ServiceAccountId,
            options.Value.Mode == UpstreamCredentialMode.ClientCredentials ? GrantKind.ClientCredentials : GrantKind.ServiceAccount)
    {
    }

    /// <summary>One grant of <paramref name="kind"/>: the mode's own, or one user's (<see cref="UserGrants"/>).</summary>
    public OAuthUpstreamCredentialProvider(
        GatewayDatabase database,
        SalesforceTokenClient client,
        IDataProtectionProvider dataProtection,
        IOptions<UpstreamCredentialOptions> options,
        TimeProvider time,
        GatewayInstrumentation instrumentation,
        IHostApplicationLifetime lifetime,
        ILogger<OAuthUpstreamCredentialProvider> logger,
        string grantId,
        GrantKind kind)
    {
        _database = database;
        _client = client;
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
        _options = options.Value;
        _time = time;
        _instrumentation = instrumentation;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        _slot = new GrantSlot(grantId);
        _kind = kind;
    }

    /// <summary>What a user's MCP client is told when that user's Salesforce grant is gone.</summary>
    public const string UserSignInAgain = "Your Salesforce authorization is no longer valid; sign in again through your MCP client.";

    public GrantKind Kind => _kind;

    /// <summary>The grant as this process knows it.</summary>
    public GrantSnapshot Current => _slot.Snapshot;

    /// <summary>Completes when <see cref="Current"/> next changes.</summary>
    public Task Changed => _slot.Changed;

    public ValueTask<UpstreamCredentialResult> GetTokenAsync(GatewayPrincipal principal, CancellationToken cancellationToken)
    {
        var snapshot = _slot.Snapshot;
        var now = _time.GetUtcNow();
        if (snapshot.AccessToken is { } token && now < snapshot.ExpiresAt - _options.RefreshBefore)
        {
            // The hot path: memory only.
            return new(UpstreamCredentialResult.Success(token, snapshot.Account));
        }

        if (snapshot.IsUsable(now))
        {
            // Inside the refresh margin: keep serving the valid token while one refresh runs.
            if (snapshot.NextRefreshAt is not { } next || next <= now)
            {
                _ = RefreshAsync(rejectedToken: null);
            }

            return new(UpstreamCredentialResult.Success(snapshot.AccessToken!, snapshot.Account));
        }

        return WaitForTokenAsync(snapshot, now, cancellationToken);
    }

    public async ValueTask<bool> RenewAsync(GatewayPrincipal principal, string rejectedToken, CancellationToken cancellationToken)
    {
        if (_slot.Snapshot.AccessToken is { } current && current != rejectedToken)
        {
            return true; // Another request already renewed it.
        }

        var renewed = await RefreshAsync(rejectedToken).WaitAsync(cancellationToken);
        if (renewed.AccessToken == rejectedToken)
        {
            // It joined a refresh started without knowing this token was refused, which kept it.
            renewed = await RefreshAsync(rejectedToken).WaitAsync(cancellationToken);
        }

        return renewed.IsUsable(_time.GetUtcNow()) && renewed.AccessToken != rejectedToken;
    }

    public UpstreamCredentialStatus Describe()
    {
        var snapshot = _slot.Snapshot;
        var now = _time.GetUtcNow();
        var data = new Dictionary<string, object>
        {
            ["grant"] = _slot.GrantId,
            ["grant_present"] = snapshot.State is GrantState.Connected or GrantState.NeedsReconnect,
        };
        if (snapshot.ExpiresAt is { } expires)
        {
            data["expires_in_seconds"] = Math.Max(0, (long)(expires - now).TotalSeconds);
            data["expiry_source"] = snapshot.ExpirySource ?? "";
        }

        if (snapshot.LastRefreshAt is { } last)
        {
            data["last_refresh_at"] = last.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (snapshot.LastRefreshOutcome is { } outcome)
        {
            data["last_refresh_outcome"] = outcome;
        }

        if (snapshot.NextRefreshAt is { } nextRefresh && snapshot.State == GrantState.Connected)
        {
            data["next_refresh_at"] = nextRefresh.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (snapshot.State is GrantState.NotConnected or GrantState.NeedsReconnect && _kind == GrantKind.ServiceAccount)
        {
            data["connect_url"] = ConnectUrl;
        }

        var mode = _options.Mode.ToString();
        return snapshot.IsUsable(now)
            ? new UpstreamCredentialStatus(true, mode, "A Salesforce access token is held.") { Data = data }
            : new UpstreamCredentialStatus(false, mode, Explain(snapshot)) { Data = data };
    }

    /// <summary>Refreshes (or first loads) the grant; concurrent callers share one refresh.</summary>
    public Task<GrantSnapshot> RefreshAsync(string? rejectedToken) =>
        _slot.RunSingleFlight(() => GuardedRefreshAsync(rejectedToken));

    /// <summary>
    /// Stores the grant an operator just connected (authorization code exchange), replacing any old one,
    /// and revokes the replaced refresh token: each Salesforce user holds at most five approvals per app
    /// (reference/domain.md §2.3), so a reconnect must not leave the previous one behind.
    /// </summary>
    public async Task<GrantSnapshot> StoreConnectedAsync(SalesforceTokens tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens.AccessToken);
        var now = _time.GetUtcNow();
        var (expiresAt, source) = await TokenExpiry.ResolveAsync(tokens, now, _options, _client.IntrospectExpiryAsync, cancellationToken);
        string? replaced;
        UpstreamGrant row;
        await using (var db = _database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.LockGrantAsync(_slot.GrantId, cancellationToken);
            row = await db.UpstreamGrants.SingleOrDefaultAsync(g => g.Id == _slot.GrantId, cancellationToken)
                ?? db.UpstreamGrants.Add(new UpstreamGrant { Id = _slot.GrantId, CreatedAt = now }).Entity;
            replaced = Unprotect(row.ProtectedRefreshToken);
            row.ReconnectReason = null;
            Apply(row, tokens, expiresAt, source, now, "connected");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        _slot.Pending = null;
        Log.GrantConnected(_logger, _slot.GrantId, row.UserId ?? "unknown", row.OrganizationId ?? "unknown", expiresAt, source);
        var snapshot = _slot.Publish(FromRow(row, tokens.AccessToken, now, failures: 0));
        if (replaced is not null && replaced != tokens.RefreshToken)
        {
            var revoked = await _client.RevokeAsync(replaced, cancellationToken);
            if (!revoked.Succeeded && revoked.Outcome != TokenOutcome.Succeeded)
            {
                Log.RevokeReplacedFailed(_logger, _slot.GrantId, revoked.Describe());
            }
        }

        return snapshot;
    }

    /// <summary>
    /// Revokes the grant at Salesforce and deletes it. A grant Salesforce no longer knows is deleted too;
    /// one that could not be revoked for a transient reason is kept, so revocation can be tried again.
    /// </summary>
    public async Task<SalesforceTokens> DisconnectAsync(CancellationToken cancellationToken)
    {
        await using var db = _database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockGrantAsync(_slot.GrantId, cancellationToken);
        var row = await db.UpstreamGrants.SingleOrDefaultAsync(g => g.Id == _slot.GrantId, cancellationToken);
        if (row is null)
        {
            _slot.Publish(NotConnected());
            return new SalesforceTokens(TokenOutcome.Refused) { Error = "not_connected", ErrorDescription = "No grant is stored." };
        }

        var token = Unprotect(row.ProtectedRefreshToken) ?? Unprotect(row.ProtectedAccessToken);
        var revoked = token is null ? new SalesforceTokens(TokenOutcome.Succeeded) : await _client.RevokeAsync(token, cancellationToken);
        if (revoked.Outcome == TokenOutcome.Transient)
        {
            return revoked;
        }

        db.UpstreamGrants.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _slot.Pending = null;
        Log.GrantDisconnected(_logger, _slot.GrantId, revoked.Outcome == TokenOutcome.Succeeded ? "revoked" : revoked.Describe());
        _slot.Publish(NotConnected());
        return revoked;
    }

    /// <summary>The route an operator opens to connect the service account.</summary>
    public string ConnectUrl => (_options.Connect.PublicBaseUrl?.TrimEnd('/') ?? "") + ConnectEndpoints.ConnectPath;

    private async ValueTask<UpstreamCredentialResult> WaitForTokenAsync(GrantSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // No valid token. Known-bad states answer at once (no retry storm). A grant waiting for an
        // operator is re-read from the store at most once per ReconnectCheckInterval (a reconnect may
        // have happened through another replica); that read never calls the token endpoint.
        var waitsForOperator = snapshot.State == GrantState.NeedsReconnect
            || (snapshot.State == GrantState.NotConnected && _kind != GrantKind.ClientCredentials);
        if ((waitsForOperator && now - snapshot.LoadedAt < _options.ReconnectCheckInterval)
            || (!waitsForOperator && snapshot.NextRefreshAt is { } next && next > now && snapshot.Failures > 0))
        {
            return Fail(snapshot);
        }

        var refreshed = await RefreshAsync(rejectedToken: null).WaitAsync(cancellationToken);
        if (refreshed is { State: GrantState.Connected, Failures: 0 } && !refreshed.IsUsable(_time.GetUtcNow()))
        {
            // It joined a refresh that found the stored token still fresh and ended after it had expired (a
            // replica's start-up read held up past the expiry): nothing failed, and one more refresh, which
            // now finds the token expired and renews it, serves this request instead of a 503.
            refreshed = await RefreshAsync(rejectedToken: null).WaitAsync(cancellationToken);
        }

        return refreshed.IsUsable(_time.GetUtcNow())
            ? UpstreamCredentialResult.Success(refreshed.AccessToken!, refreshed.Account)
            : Fail(refreshed);
    }

    /// <summary>
    /// No token. A user whose own grant is gone must sign in again, which their MCP client does when the
    /// gateway answers 401 (MCP authorization: "Invalid or expired tokens MUST receive a HTTP 401").
    /// </summary>
    private UpstreamCredentialResult Fail(GrantSnapshot snapshot) => UpstreamCredentialResult.Failure(Explain(snapshot),
        requiresSignIn: _kind == GrantKind.User && snapshot.State is GrantState.NotConnected or GrantState.NeedsReconnect);

    private string Explain(GrantSnapshot snapshot) => snapshot.State switch
    {
        GrantState.Unknown => "The gateway has not loaded its Salesforce grant yet.",
        GrantState.NotConnected when _kind == GrantKind.User => UserSignInAgain,
        GrantState.NeedsReconnect when _kind == GrantKind.User => UserSignInAgain,
        GrantState.NotConnected when _kind == GrantKind.ServiceAccount =>
            $"The gateway is not connected to Salesforce: an operator must connect it at {ConnectUrl}.",
        GrantState.NotConnected => $"The gateway has no Salesforce token: {snapshot.Problem ?? "the client credentials request has not succeeded"}.",
        GrantState.NeedsReconnect when _kind == GrantKind.ServiceAccount =>
            $"The gateway's Salesforce grant is no longer valid ({snapshot.Problem}); an operator must reconnect the gateway at {ConnectUrl}.",
        GrantState.NeedsReconnect => $"Salesforce refused the gateway's client credentials ({snapshot.Problem}); fix the External Client App or the gateway's configuration.",
        _ => $"The gateway could not refresh its Salesforce token ({snapshot.Problem ?? snapshot.LastRefreshOutcome}); it retries at {snapshot.NextRefreshAt:O}.",
    };

    private async Task<GrantSnapshot> GuardedRefreshAsync(string? rejectedToken)
    {
        try
        {
            return await RefreshCoreAsync(rejectedToken);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The host is stopping (a refresh waiting out a backoff, or on the store): abandoned, not failed.
            // Nothing is logged, counted or published; the store holds the last good state for the next start.
            return _slot.Snapshot;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is unreachable or the key ring unreadable. Whatever it was, the refresh is a
            // background concern: keep serving a still-valid token, back off, and never let it escape into
            // the scheduler (an unhandled exception there would stop the host).
            Log.RefreshFailed(_logger, ex, _slot.GrantId);
            _instrumentation.TokenRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", "store_unavailable"));
            return _slot.Publish(Failed(_slot.Snapshot, "store_unavailable", "the refresh failed inside the gateway (database or key ring; see log event 3005)", _time.GetUtcNow()));
        }
    }

    private async Task<GrantSnapshot> RefreshCoreAsync(string? rejectedToken)
    {
        var cancellationToken = _stopping;
        for (var round = 0; ; round++)
        {
            await using var db = _database.CreateContext();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Another replica refreshing this grant holds the lock until it has committed; then the
            // row read below carries its tokens.
            await db.LockGrantAsync(_slot.GrantId, cancellationToken);
            var row = await db.UpstreamGrants.SingleOrDefaultAsync(g => g.Id == _slot.GrantId, cancellationToken);
            var now = _time.GetUtcNow();
            if (row is null && _kind != GrantKind.ClientCredentials)
            {
                return _slot.Publish(NotConnected());
            }

            if (row?.ReconnectReason is not null)
            {
                return _slot.Publish(FromRow(row, null, now, _slot.Snapshot.Failures));
            }

            var stored = Unprotect(row?.ProtectedAccessToken);
            if (row is not null && stored is not null && stored != rejectedToken && now < row.AccessTokenExpiresAt - _options.RefreshBefore)
            {
                // Fresh in the store: written by another replica, or before a restart. No token request.
                _slot.Pending = null;
                return _slot.Publish(FromRow(row, stored, now, failures: 0));
            }

            var baseVersion = row?.Version ?? 0;
            SalesforceTokens tokens;
            var fromPending = _slot.Pending is { } pending && row is not null && pending.BaseVersion == row.Version;
            if (fromPending)
            {
                tokens = _slot.Pending!.Value.Tokens;
            }
            else if (_kind == GrantKind.ClientCredentials)
            {
                tokens = await RequestWithRetriesAsync(static (client, _, ct) => client.ClientCredentialsAsync(ct), null, cancellationToken);
            }
            else if (Unprotect(row!.ProtectedRefreshToken) is { } refreshToken)
            {
                tokens = await RequestWithRetriesAsync(static (client, token, ct) => client.RefreshAsync(token!, ct), refreshToken, cancellationToken);
            }
            else
            {
                tokens = new SalesforceTokens(TokenOutcome.InvalidGrant)
                {
                    Error = "no_refresh_token",
                    ErrorDescription = "Salesforce issued no refresh token; grant the refresh_token (offline_access) scope on the External Client App",
                };
            }

            now = _time.GetUtcNow();
            if (!tokens.Succeeded)
            {
                return await RecordFailureAsync(db, transaction, row, tokens, now, cancellationToken);
            }

            var (expiresAt, source) = await TokenExpiry.ResolveAsync(tokens, now, _options, _client.IntrospectExpiryAsync, cancellationToken);
            row ??= db.UpstreamGrants.Add(new UpstreamGrant { Id = _slot.GrantId, CreatedAt = now }).Entity;
            Apply(row, tokens, expiresAt, source, now, "succeeded");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException)
            {
                // Persist before use: a token that is not stored is not used. Its rotated refresh token is
                // kept in memory and stored on the next attempt, never replaced by the rotated-out one.
                _slot.Pending = (tokens, baseVersion);
                Log.StoreFailed(_logger, ex, _slot.GrantId);
                _instrumentation.TokenRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", "store_failed"));
                return _slot.Publish(Failed(_slot.Snapshot, "store_failed", "the refreshed token could not be stored", now));
            }

            _slot.Pending = null;
            _instrumentation.TokenRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
            Log.TokenRefreshed(_logger, _slot.GrantId, expiresAt, source, tokens.RefreshToken is not null);
            if (fromPending && now >= expiresAt - _options.RefreshBefore && round == 0)
            {
                continue; // The kept token aged meanwhile; refresh now with the refresh token just stored.
            }

            return _slot.Publish(FromRow(row, tokens.AccessToken, now, failures: 0));
        }
    }

    private async Task<GrantSnapshot> RecordFailureAsync(
        GatewayDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction,
        UpstreamGrant? row, SalesforceTokens tokens, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = tokens.Outcome switch
        {
            TokenOutcome.InvalidGrant => "invalid_grant",
            TokenOutcome.Transient => "transient",
            _ => "refused",
        };
        _instrumentation.TokenRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        Log.RefreshRefused(_logger, _slot.GrantId, outcome, tokens.Describe());
        if (row is not null)
        {
            row.LastRefreshAt = now;
            row.LastRefreshOutcome = outcome;
            var terminal = tokens.Outcome == TokenOutcome.InvalidGrant && _kind != GrantKind.ClientCredentials;
            if (terminal)
            {
                // Terminal: flag it for every replica, and drop the tokens Salesforce has revoked. (Client
                // credentials have no grant to reconnect: they back off and retry like any refusal.)
                row.ReconnectReason = tokens.Describe();
                row.ProtectedAccessToken = null;
                row.AccessTokenExpiresAt = null;
            }

            row.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (terminal)
            {
                _slot.Pending = null;
                return _slot.Publish(FromRow(row, null, now, _slot.Snapshot.Failures + 1));
            }
        }

        return _slot.Publish(Failed(_slot.Snapshot, outcome, tokens.Describe(), now));
    }

    /// <summary>
    /// One token request, retried on transient failures with exponential backoff and full jitter
    /// ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015). invalid_grant is never retried.
    /// </summary>
    private async Task<SalesforceTokens> RequestWithRetriesAsync(
        Func<SalesforceTokenClient, string?, CancellationToken, Task<SalesforceTokens>> request, string? argument, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var tokens = await request(_client, argument, cancellationToken);
            if (tokens.Outcome != TokenOutcome.Transient || attempt >= _options.TransientRetries)
            {
                return tokens;
            }

            Log.TransientRetry(_logger, _slot.GrantId, tokens.Describe(), attempt + 1);
            await Task.Delay(Backoff(attempt), _time, cancellationToken);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(_options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)), s_maxBackoff.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter spreads retries out; it needs no unpredictability.
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
#pragma warning restore CA5394
    }

    private void Apply(UpstreamGrant row, SalesforceTokens tokens, DateTimeOffset expiresAt, string source, DateTimeOffset now, string outcome)
    {
        row.ProtectedAccessToken = _protector.Protect(tokens.AccessToken!);
        if (tokens.RefreshToken is { } refresh)
        {
            row.ProtectedRefreshToken = _protector.Protect(refresh);
        }

        row.AccessTokenExpiresAt = expiresAt;
        row.ExpirySource = source;
        row.InstanceUrl = tokens.InstanceUrl ?? row.InstanceUrl;
        if (tokens.IdentityUrl is { } identity)
        {
            row.IdentityUrl = identity;
            (row.OrganizationId, row.UserId) = SalesforceIdentity.Parse(identity);
        }

        row.Scope = tokens.Scope ?? row.Scope;
        row.LastRefreshAt = now;
        row.LastRefreshOutcome = outcome;
        row.Version++;
    }

    private GrantSnapshot FromRow(UpstreamGrant row, string? accessToken, DateTimeOffset now, int failures) => new()
    {
        State = row.ReconnectReason is null ? GrantState.Connected : GrantState.NeedsReconnect,
        AccessToken = row.ReconnectReason is null ? accessToken : null,
        ExpiresAt = row.AccessTokenExpiresAt,
        ExpirySource = row.ExpirySource,
        LastRefreshAt = row.LastRefreshAt,
        LastRefreshOutcome = row.LastRefreshOutcome,
        NextRefreshAt = row.ReconnectReason is null && row.AccessTokenExpiresAt is { } expires ? expires - _options.RefreshBefore : null,
        Problem = row.ReconnectReason,
        Account = row.UserId is null && row.OrganizationId is null ? null : new UpstreamAccount(row.UserId, row.OrganizationId),
        LoadedAt = now,
        Failures = failures,
    };

    private GrantSnapshot NotConnected() => new() { State = GrantState.NotConnected, LoadedAt = _time.GetUtcNow() };

    private GrantSnapshot Failed(GrantSnapshot current, string outcome, string problem, DateTimeOffset now)
    {
        var failures = current.Failures + 1;
        return current with
        {
            State = current.State == GrantState.Unknown ? GrantState.NotConnected : current.State,
            LastRefreshAt = now,
            LastRefreshOutcome = outcome,
            Problem = problem,
            Failures = failures,
            NextRefreshAt = now + Backoff(failures - 1),
            LoadedAt = now,
        };
    }

    private string? Unprotect(string? protectedValue)
    {
        if (protectedValue is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(protectedValue);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            // The key that sealed it is gone (a replica with its own key ring?): as good as no token.
            Log.UnprotectFailed(_logger, ex, _slot.GrantId);
            return null;
        }
    }
}
