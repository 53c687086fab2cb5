using Gateway.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>Where every probe lives; telemetry leaves requests under it untraced.</summary>
    public const string PathPrefix = "/healthz";

    private const string ReadyTag = "ready";
    private const string StartupTag = "startup";

    /// <summary>Liveness, readiness (upstream reachable, credential usable) and start-up checks.</summary>
    public static IHostApplicationBuilder AddGatewayHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HealthOptions, HealthOptionsValidator>(HealthOptions.SectionName);
        builder.Services.TryAddSingleton<UpstreamHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<StartupHealthCheck>("startup", tags: [StartupTag])
            .AddCheck<CredentialHealthCheck>("upstream-credential", tags: [ReadyTag])
            .Add(new HealthCheckRegistration("upstream", static services => services.GetRequiredService<UpstreamHealthCheck>(), HealthStatus.Unhealthy, [ReadyTag]));
        return builder;
    }

    /// <summary>
    /// <c>/healthz/live</c>: the process answers. <c>/healthz/ready</c>: ready to proxy.
    /// <c>/healthz/startup</c>: start-up finished. Deliberately outside inbound authentication:
    /// orchestrators probe without credentials, and the bodies carry no secrets.
    /// </summary>
    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapHealthChecks(PathPrefix + "/live", new HealthCheckOptions { Predicate = static _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks(PathPrefix + "/ready", new HealthCheckOptions { Predicate = static r => r.Tags.Contains(ReadyTag), ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks(PathPrefix + "/startup", new HealthCheckOptions { Predicate = static r => r.Tags.Contains(StartupTag), ResponseWriter = HealthResponseWriter.WriteAsync });
        return app;
    }
}
