using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>
/// Bounds dynamic registrations per client IP address (a fixed window): registration is open to the
/// internet under the Open and AllowedRedirectHosts policies, and each one writes a row.
/// </summary>
internal sealed class RegistrationLimiter(IOptions<AuthorizationServerOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Registration.PermitLimit,
            Window = options.Value.Registration.Window,
            QueueLimit = 0,
        }));

    /// <summary>True when <paramref name="address"/> may register one more client now.</summary>
    public bool TryAcquire(string address)
    {
        using var lease = _limiter.AttemptAcquire(address);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
