using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

public static class CredentialServiceCollectionExtensions
{
    /// <summary>
    /// The upstream credential behind <see cref="IUpstreamCredentialProvider"/>: a static token, or
    /// Salesforce OAuth (service account or client credentials) with its vault, refresher and operator routes.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayUpstreamCredentials(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<UpstreamCredentialOptions, UpstreamCredentialOptionsValidator>(UpstreamCredentialOptions.SectionName);
        builder.Services.AddHttpClient(SalesforceTokenClient.HttpClientName);
        builder.Services.TryAddSingleton<SalesforceTokenClient>();
        builder.Services.TryAddSingleton<ConnectAccessGuard>();
        builder.Services.TryAddSingleton<StaticUpstreamCredentialProvider>();
        builder.Services.TryAddSingleton<OAuthUpstreamCredentialProvider>();
        builder.Services.TryAddSingleton<UserGrants>();
        builder.Services.TryAddSingleton<IUpstreamCredentialProvider>(static services => new UpstreamCredentialRouter(
            services.GetRequiredService<IOptions<UpstreamCredentialOptions>>().Value.Mode == UpstreamCredentialMode.Static
                ? services.GetRequiredService<StaticUpstreamCredentialProvider>()
                : services.GetRequiredService<OAuthUpstreamCredentialProvider>(),
            services.GetRequiredService<UserGrants>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CredentialStartup>());
        return builder;
    }
}

/// <summary>Starts the refresher in the OAuth modes and logs the callback URL to register.</summary>
internal sealed class CredentialStartup(IServiceProvider services, IOptions<UpstreamCredentialOptions> options, ILogger<CredentialStartup> logger) : IHostedService, IDisposable
{
    private TokenRefreshScheduler? _scheduler;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.Mode == UpstreamCredentialMode.Static)
        {
            return Task.CompletedTask;
        }

        if (value.Mode == UpstreamCredentialMode.ServiceAccount)
        {
            Log.CallbackUrl(logger, value.Mode, ConnectEndpoints.CallbackUrl(value, request: null));
        }

        _scheduler = new TokenRefreshScheduler(services.GetRequiredService<OAuthUpstreamCredentialProvider>(), options, services.GetRequiredService<TimeProvider>());
        return _scheduler.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _scheduler?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public void Dispose() => _scheduler?.Dispose();
}
