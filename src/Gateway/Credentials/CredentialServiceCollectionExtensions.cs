using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Credentials;

public static class CredentialServiceCollectionExtensions
{
    /// <summary>The upstream credential behind <see cref="IUpstreamCredentialProvider"/>.</summary>
    public static IHostApplicationBuilder AddGatewayUpstreamCredentials(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<UpstreamCredentialOptions, UpstreamCredentialOptionsValidator>(UpstreamCredentialOptions.SectionName);
        builder.Services.TryAddSingleton<IUpstreamCredentialProvider, StaticUpstreamCredentialProvider>();
        return builder;
    }
}
