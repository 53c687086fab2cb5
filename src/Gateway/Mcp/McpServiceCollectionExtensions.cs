using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Mcp;

public static class McpServiceCollectionExtensions
{
    /// <summary>Streamable HTTP framing validation: headers, body, JSON-RPC envelope, protocol eras.</summary>
    public static IHostApplicationBuilder AddGatewayMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<McpOptions, McpOptionsValidator>(McpOptions.SectionName);
        builder.Services.TryAddSingleton<McpRequestValidator>();
        return builder;
    }
}
