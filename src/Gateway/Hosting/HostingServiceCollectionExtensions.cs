using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>Process-wide defaults: time and Kestrel settings.</summary>
    public static IHostApplicationBuilder AddGatewayHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            // Don't advertise the server software to clients.
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
