using System.Collections.Concurrent;

namespace Gateway.Credentials;

/// <summary>
/// The per-user Salesforce grants of the gateway's authorization server (issue: federated login): one
/// <see cref="OAuthUpstreamCredentialProvider"/> per user, on the same refresh rules as the service
/// account: single flight in the process, a database lock across replicas, persist before use.
/// </summary>
internal sealed class UserGrants(IServiceProvider services)
{
    private const string Prefix = "user:";
    private readonly ConcurrentDictionary<string, OAuthUpstreamCredentialProvider> _grants = new(StringComparer.Ordinal);

    /// <summary>The grant id of a Salesforce user: org and user ids, which together name a user uniquely.</summary>
    public static string GrantIdFor(string organizationId, string userId) => $"{Prefix}{organizationId}:{userId}";

    public static bool IsUserGrant(string grantId) => grantId.StartsWith(Prefix, StringComparison.Ordinal);

    public OAuthUpstreamCredentialProvider For(string grantId)
    {
        if (!IsUserGrant(grantId))
        {
            throw new ArgumentException($"'{grantId}' is not a user grant id.", nameof(grantId));
        }

        // A race may build two; one is kept. Construction has no side effects: the grant loads on first use.
        return _grants.GetOrAdd(grantId, static (id, provider) =>
            ActivatorUtilities.CreateInstance<OAuthUpstreamCredentialProvider>(provider, id, GrantKind.User), services);
    }
}
