using Gateway.Inbound;

namespace Gateway.Credentials;

/// <summary>
/// The one seam the proxy asks for the upstream bearer token (DESIGN.md "Credentials"). This issue
/// ships a static token; the Salesforce OAuth lifecycle plugs in behind the same interface.
/// </summary>
public interface IUpstreamCredentialProvider
{
    /// <summary>
    /// The token for calls made on behalf of <paramref name="principal"/>. Called once per forwarded
    /// request, so a fresh token must come from memory, without I/O.
    /// </summary>
    ValueTask<UpstreamCredentialResult> GetTokenAsync(GatewayPrincipal principal, CancellationToken cancellationToken);

    /// <summary>
    /// Called when the upstream rejected <paramref name="rejectedToken"/> (401): renew it if possible.
    /// Returns <see langword="true"/> when a different token is now available, so the request may be
    /// replayed once.
    /// </summary>
    ValueTask<bool> RenewAsync(GatewayPrincipal principal, string rejectedToken, CancellationToken cancellationToken);

    /// <summary>The credential's state for <c>/healthz/ready</c>.</summary>
    UpstreamCredentialStatus Describe();
}
