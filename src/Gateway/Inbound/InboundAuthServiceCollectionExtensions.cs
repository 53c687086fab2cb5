using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Inbound;

public static class InboundAuthServiceCollectionExtensions
{
    /// <summary>Inbound authentication: API keys and static bearer tokens, validated at start-up.</summary>
    public static IHostApplicationBuilder AddGatewayInboundAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<InboundAuthOptions, InboundAuthOptionsValidator>(InboundAuthOptions.SectionName);
        builder.Services.TryAddSingleton<InboundAuthenticator>();
        return builder;
    }
}
