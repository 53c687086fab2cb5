using Gateway.Hosting;
using Gateway.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Proxy;

public static class ProxyServiceCollectionExtensions
{
    /// <summary>YARP forwarding to the upstream MCP endpoint, with the gateway's transformer and session binding.</summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<UpstreamOptions, UpstreamOptionsValidator>(UpstreamOptions.SectionName);
        builder.Services.AddHttpForwarder();
        builder.Services.TryAddSingleton<UpstreamInvoker>();
        builder.Services.TryAddSingleton<SessionBinder>();
        builder.Services.TryAddSingleton<McpHttpTransformer>();
        builder.Services.TryAddSingleton<McpProxyHandler>();
        builder.Services.AddHostedService<UpstreamEndpointAdvisor>();
        return builder;
    }
}
