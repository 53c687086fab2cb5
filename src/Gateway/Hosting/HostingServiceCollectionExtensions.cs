using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>Process-wide defaults: time, Data Protection keys in the data directory, Kestrel settings.</summary>
    public static IHostApplicationBuilder AddGatewayHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddValidatedOptions<StateOptions, StateOptionsValidator>(StateOptions.SectionName);

        // One application name for every replica, so they read each other's protected payloads.
        builder.Services.AddDataProtection().SetApplicationName("mcp-gateway");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<StateOptions>, IHostEnvironment, ILoggerFactory>((keys, state, environment, loggers) =>
            {
                var directory = Path.Combine(environment.ContentRootPath, state.Value.DataDirectory, "keys");
                keys.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(directory), loggers);
            });

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            // Don't advertise the server software to clients.
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
