using Gateway.Credentials;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>Is the upstream credential usable? Reports what the credential provider says, never a secret.</summary>
internal sealed class CredentialHealthCheck(IUpstreamCredentialProvider credentials) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = credentials.Describe();
        var data = new Dictionary<string, object>(status.Data) { ["mode"] = status.Mode };
        return Task.FromResult(status.Usable
            ? HealthCheckResult.Healthy(status.Description, data)
            : HealthCheckResult.Unhealthy(status.Description, data: data));
    }
}
