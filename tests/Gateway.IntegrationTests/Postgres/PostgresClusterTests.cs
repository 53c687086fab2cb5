using Gateway.Testing;
using Npgsql;

namespace Gateway.IntegrationTests.Postgres;

public sealed class PostgresClusterTests
{
    [Fact]
    public async Task Databases_AreSeparate_OnARealPostgreSqlListeningOnLoopback()
    {
        var cluster = await PostgresCluster.SharedAsync();
        var first = await cluster.CreateDatabaseAsync();
        var second = await cluster.CreateDatabaseAsync();

        await using var a = new NpgsqlConnection(first);
        await a.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TABLE marker (id int); SELECT version();", a))
        {
            Assert.StartsWith("PostgreSQL", (string)(await create.ExecuteScalarAsync(TestContext.Current.CancellationToken))!, StringComparison.Ordinal);
        }

        await using var b = new NpgsqlConnection(second);
        await b.OpenAsync(TestContext.Current.CancellationToken);
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'", b);

        Assert.Equal(0L, await exists.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(first).Host);
    }
}
