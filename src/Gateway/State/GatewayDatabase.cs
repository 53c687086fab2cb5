using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gateway.State;

/// <summary>
/// Opens contexts on the configured store. A singleton with prebuilt options, so callers on the
/// refresh path (singletons themselves) open a short-lived context without a DI scope.
/// </summary>
internal sealed class GatewayDatabase
{
    private readonly Func<GatewayDbContext> _create;

    public GatewayDatabase(IOptions<StateOptions> options, IHostEnvironment environment, IEnumerable<IInterceptor> interceptors)
    {
        // Interceptors registered in DI (diagnostics, fault injection in tests) apply to every context.
        IInterceptor[] registered = [.. interceptors];
        var state = options.Value;
        Provider = state.Provider;
        switch (state.Provider)
        {
            case StateProvider.PostgreSql:
                var postgres = new DbContextOptionsBuilder<PostgresGatewayDbContext>().UseNpgsql(state.ConnectionString).AddInterceptors(registered).Options;
                _create = () => new PostgresGatewayDbContext(postgres);
                break;
            default:
                var sqlite = new DbContextOptionsBuilder<SqliteGatewayDbContext>().UseSqlite(SqliteConnectionString(state, environment)).AddInterceptors(registered).Options;
                _create = () => new SqliteGatewayDbContext(sqlite);
                break;
        }
    }

    public StateProvider Provider { get; }

    public GatewayDbContext CreateContext() => _create();

    /// <summary>The configured connection string, or <c>{DataDirectory}/gateway.db</c> (the directory is created).</summary>
    internal static string SqliteConnectionString(StateOptions state, IHostEnvironment environment)
    {
        if (state.ConnectionString is { Length: > 0 } configured)
        {
            return configured;
        }

        var directory = Directory.CreateDirectory(Path.Combine(environment.ContentRootPath, state.DataDirectory));
        // Pooling off: a pooled connection keeps the file open after the host stops, and tests (and
        // operators) delete or move the data directory afterwards. Opening a SQLite file is cheap,
        // and the request path never opens one (a fresh token is served from memory).
        return $"Data Source={Path.Combine(directory.FullName, "gateway.db")};Pooling=False";
    }
}
