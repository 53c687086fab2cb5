using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Inbound;

public static class InboundAuthServiceCollectionExtensions
{
    /// <summary>Inbound authentication: API keys and static bearer tokens, validated at start-up.</summary>
    public static IHostApplicationBuilder AddGatewayInboundAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InboundAuthOptions>().BindConfiguration(InboundAuthOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InboundAuthOptions>, InboundAuthOptionsValidator>());
        builder.Services.TryAddSingleton<InboundAuthenticator>();
        return builder;
    }
}
