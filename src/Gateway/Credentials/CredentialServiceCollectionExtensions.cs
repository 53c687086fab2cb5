using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

public static class CredentialServiceCollectionExtensions
{
    /// <summary>The upstream credential behind <see cref="IUpstreamCredentialProvider"/>.</summary>
    public static IHostApplicationBuilder AddGatewayUpstreamCredentials(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UpstreamCredentialOptions>().BindConfiguration(UpstreamCredentialOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UpstreamCredentialOptions>, UpstreamCredentialOptionsValidator>());
        builder.Services.TryAddSingleton<IUpstreamCredentialProvider, StaticUpstreamCredentialProvider>();
        return builder;
    }
}
