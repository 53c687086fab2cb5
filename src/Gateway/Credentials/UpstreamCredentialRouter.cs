using Gateway.Inbound;

namespace Gateway.Credentials;

/// <summary>
/// Sends each principal to the grant its calls run as: a user who signed in through the gateway's
/// authorization server to that user's own Salesforce grant; everyone else (API keys, bearer tokens,
/// machine clients) to the gateway's own credential of <c>Gateway:Upstream:Credential:Mode</c>.
/// </summary>
internal sealed class UpstreamCredentialRouter(IUpstreamCredentialProvider own, UserGrants users) : IUpstreamCredentialProvider
{
    public ValueTask<UpstreamCredentialResult> GetTokenAsync(GatewayPrincipal principal, CancellationToken cancellationToken) =>
        principal.UpstreamGrantId is { } grant ? users.For(grant).GetTokenAsync(principal, cancellationToken) : own.GetTokenAsync(principal, cancellationToken);

    public ValueTask<bool> RenewAsync(GatewayPrincipal principal, string rejectedToken, CancellationToken cancellationToken) =>
        principal.UpstreamGrantId is { } grant ? users.For(grant).RenewAsync(principal, rejectedToken, cancellationToken) : own.RenewAsync(principal, rejectedToken, cancellationToken);

    /// <summary>Readiness reports the gateway's own credential; a user's grant concerns that user alone.</summary>
    public UpstreamCredentialStatus Describe() => own.Describe();
}
