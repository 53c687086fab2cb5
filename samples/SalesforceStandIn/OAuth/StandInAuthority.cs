using OpenIddict.Abstractions;

namespace SalesforceStandIn;

/// <summary>
/// What the stand-in's authority did, for tests to assert exact counts, and a switch to revoke every
/// grant as an administrator would. Thread-safe. Reach it with <c>app.Services.GetRequiredService&lt;StandInAuthority&gt;()</c>.
/// </summary>
public sealed class StandInAuthority
{
    private int _codeExchanges;
    private int _refreshes;
    private int _refreshFailures;
    private int _clientCredentials;
    private int _revocations;

    public int CodeExchanges => Volatile.Read(ref _codeExchanges);

    /// <summary>Refresh-token requests, answered or refused.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Refresh-token requests refused with <c>invalid_grant</c> (revoked, expired or replayed tokens).</summary>
    public int RefreshFailures => Volatile.Read(ref _refreshFailures);

    public int ClientCredentialsRequests => Volatile.Read(ref _clientCredentials);

    public int Revocations => Volatile.Read(ref _revocations);

    /// <summary>Raised after every token response is written, with the grant type and whether it succeeded.</summary>
    public event Action<string, bool>? TokenAnswered;

    /// <summary>
    /// Revokes every grant issued so far, as an administrator revoking the app's access would: the
    /// next refresh gets <c>invalid_grant</c> and the access tokens stop working.
    /// </summary>
    public async Task RevokeAllGrantsAsync()
    {
        await using var scope = Services!.CreateAsyncScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        await foreach (var token in tokens.ListAsync())
        {
            await tokens.TryRevokeAsync(token);
        }

        await foreach (var authorization in authorizations.ListAsync())
        {
            await authorizations.TryRevokeAsync(authorization);
        }
    }

    /// <summary>Lets the public client use one more redirect URI (a gateway whose port is known only once it listens).</summary>
    public async Task AllowRedirectUriAsync(Uri redirectUri)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        await using var scope = Services!.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var client = await applications.FindByClientIdAsync(PublicClientId!)
            ?? throw new InvalidOperationException("The public client is not registered yet; start the stand-in first.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, client);
        descriptor.RedirectUris.Add(redirectUri);
        await applications.UpdateAsync(client, descriptor);
    }

    internal IServiceProvider? Services { get; set; }

    internal string? PublicClientId { get; set; }

    internal void Answered(string grantType, bool succeeded)
    {
        switch (grantType)
        {
            case "authorization_code":
                Interlocked.Increment(ref _codeExchanges);
                break;
            case "refresh_token":
                Interlocked.Increment(ref _refreshes);
                if (!succeeded)
                {
                    Interlocked.Increment(ref _refreshFailures);
                }

                break;
            case "client_credentials":
                Interlocked.Increment(ref _clientCredentials);
                break;
        }

        TokenAnswered?.Invoke(grantType, succeeded);
    }

    internal void Revoked() => Interlocked.Increment(ref _revocations);
}
