using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gateway.Testing;
using Npgsql;

namespace Gateway.IntegrationTests.Postgres;

/// <summary>The throwaway PostgreSQL the state tests run on (tests/Gateway.Testing/Postgres) is real, isolated and private.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task Connection_ToACreatedDatabase_ReportsPostgreSql()
    {
        var server = await PostgresServer.SharedAsync(TestContext.Current.CancellationToken);
        var database = await server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        Assert.StartsWith("PostgreSQL ", await ScalarAsync<string>(connection, "SELECT version()"), StringComparison.Ordinal);
        Assert.Equal(new NpgsqlConnectionStringBuilder(database).Database, await ScalarAsync<string>(connection, "SELECT current_database()"));
    }

    [Fact]
    public async Task TwoCreatedDatabases_AreIndependent()
    {
        var server = await PostgresServer.SharedAsync(TestContext.Current.CancellationToken);
        var first = await server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        // The synchronous overload, with a name that needs quoting.
        var second = server.CreateDatabase($"second \"{Guid.NewGuid():N}\"");

        await using var a = new NpgsqlConnection(first);
        await a.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TABLE marker (id int); INSERT INTO marker VALUES (1)", a))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var b = new NpgsqlConnection(second);
        await b.OpenAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
        Assert.Equal(1L, await ScalarAsync<long>(a, "SELECT count(*) FROM marker"));
        Assert.Equal(0L, await ScalarAsync<long>(b, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'"));
    }

    [Fact]
    public async Task StartedServer_ListensOn127001Only()
    {
        var server = await PostgresServer.SharedAsync(TestContext.Current.CancellationToken);
        Assert.SkipWhen(server.IsExisting, $"{PostgresServer.ExistingServerVariable} names a server these tests did not start.");
        var port = new NpgsqlConnectionStringBuilder(server.ConnectionString).Port;

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        Assert.Equal("127.0.0.1", await ScalarAsync<string>(connection, "SHOW listen_addresses"));
        Assert.Equal("127.0.0.1", await ScalarAsync<string>(connection, "SELECT host(inet_server_addr())"));
        // And nothing answers on this machine's other addresses, IPv6 loopback included.
        foreach (var address in OtherLocalAddresses())
        {
            using var client = new TcpClient(address.AddressFamily);
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, port, TestContext.Current.CancellationToken).AsTask());
        }
    }

    private static IEnumerable<IPAddress> OtherLocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(static n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(static n => n.GetIPProperties().UnicastAddresses)
            .Select(static u => u.Address)
            .Where(static a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
            .Append(IPAddress.IPv6Loopback)
            .Distinct();

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
