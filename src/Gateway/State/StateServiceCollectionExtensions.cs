using Gateway.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// The gateway's database (SQLite by default, PostgreSQL for replicas), its schema applied at
    /// start-up, and the Data Protection key ring kept in it so every replica shares the keys.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayState(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StateOptions, StateOptionsValidator>(StateOptions.SectionName);
        builder.Services.TryAddSingleton<GatewayDatabase>();
        builder.Services.TryAddScoped<GatewayDbContext>(static services => services.GetRequiredService<GatewayDatabase>().CreateContext());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DatabaseInitializer>());

        // One application name for every replica, so they read each other's protected payloads
        // (sealed session ids, stored tokens).
        builder.Services.AddDataProtection()
            .SetApplicationName("mcp-gateway")
            .PersistKeysToDbContext<GatewayDbContext>();
        return builder;
    }
}
