using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gateway.Authorization;

/// <summary>
/// Creates or updates the pre-registered clients of <c>Gateway:Authorization:Clients</c> at start-up
/// (after the database is migrated), and logs the Salesforce callback URL once the gateway listens.
/// </summary>
internal sealed class ClientSeeder(IServiceProvider services, IOptions<AuthorizationServerOptions> options, IHostApplicationLifetime lifetime,
    ILogger<ClientSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var value = options.Value;
        foreach (var client in value.Clients)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.ClientId,
                ClientSecret = client.ClientSecret,
                ClientType = string.IsNullOrEmpty(client.ClientSecret) ? ClientTypes.Public : ClientTypes.Confidential,
                DisplayName = client.DisplayName ?? client.ClientId,
            };
            if (client.ClientCredentials)
            {
                descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + value.Scope]);
            }

            if (client.RedirectUris.Count > 0)
            {
                ClientRegistrationEndpoint.AddInteractivePermissions(descriptor, value.Scope);
                descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
                descriptor.RedirectUris.UnionWith(client.RedirectUris.Select(static u => new Uri(u)));
            }

            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is { } existing)
            {
                // Configuration is the source of truth for these clients: a changed secret or redirect URI applies at restart.
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                Log.ClientSeeded(logger, client.ClientId, "updated");
            }
            else
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                Log.ClientSeeded(logger, client.ClientId, "registered");
            }
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = services.GetRequiredService<GatewayPublicUrls>();
            if (value.PublicBaseUrl is null)
            {
                Log.PublicBaseUrlDerived(logger, urls.BaseUrl);
            }

            Log.SignInCallbackUrl(logger, urls.Url(AuthorizationEndpoints.SignInCallbackPath));
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
