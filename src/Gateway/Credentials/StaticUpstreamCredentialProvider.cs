using Gateway.Inbound;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

/// <summary>A fixed upstream token from configuration; it cannot be renewed.</summary>
internal sealed class StaticUpstreamCredentialProvider(IOptions<UpstreamCredentialOptions> options) : IUpstreamCredentialProvider
{
    private readonly UpstreamCredentialResult _result = options.Value.StaticToken is { Length: > 0 } token
        ? UpstreamCredentialResult.Success(token)
        : UpstreamCredentialResult.Failure("No upstream token is configured (Gateway:Upstream:Credential:StaticToken).");

    public ValueTask<UpstreamCredentialResult> GetTokenAsync(GatewayPrincipal principal, CancellationToken cancellationToken) => new(_result);

    public ValueTask<bool> RenewAsync(GatewayPrincipal principal, string rejectedToken, CancellationToken cancellationToken) => new(false);

    public UpstreamCredentialStatus Describe() => _result.Succeeded
        ? new UpstreamCredentialStatus(true, "Static", "A static upstream token is configured.")
        : new UpstreamCredentialStatus(false, "Static", _result.Error);
}
