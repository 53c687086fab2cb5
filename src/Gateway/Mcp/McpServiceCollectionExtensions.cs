using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Mcp;

public static class McpServiceCollectionExtensions
{
    /// <summary>Streamable HTTP framing validation: headers, body, JSON-RPC envelope, protocol eras.</summary>
    public static IHostApplicationBuilder AddGatewayMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<McpOptions>().BindConfiguration(McpOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpOptions>, McpOptionsValidator>());
        builder.Services.TryAddSingleton<McpRequestValidator>();
        return builder;
    }
}
