using Gateway.Authorization;
using Gateway.Credentials;
using Gateway.Health;
using Gateway.Mcp;
using Gateway.Proxy;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

public static class GatewayEndpoints
{
    /// <summary>Maps the health probes and the MCP endpoint.</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapGatewayHealth();
        app.MapGatewayConnect();

        var path = app.Services.GetRequiredService<IOptions<McpOptions>>().Value.Path;
        app.MapGatewayAuthorization(path);
        // Resolved per request (a singleton lookup) so that every option is validated together at start-up.
        app.Map(path, static context => context.RequestServices.GetRequiredService<McpProxyHandler>().InvokeAsync(context));
        return app;
    }
}
