using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Gateway.Testing;

/// <summary>
/// A throwaway PostgreSQL server for the tests, on 127.0.0.1 only: <c>initdb</c> into a temporary
/// directory, <c>postgres</c> on a free port, trust authentication, durability off (fsync) for speed.
/// One per test process (<see cref="SharedAsync"/>); each test takes a fresh database from it. The server
/// runs under a small shell guard that stops it when the test process is gone, however it ended.
/// Set <c>GATEWAY_TEST_POSTGRES</c> to a connection string to use an existing server instead.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static PostgresCluster? s_shared;

    private readonly Process? _server;
    private readonly string? _directory;
    private int _databases;

    private PostgresCluster(string connectionString, Process? server, string? directory)
    {
        ConnectionString = connectionString;
        _server = server;
        _directory = directory;
    }

    /// <summary>The server's maintenance connection string (database <c>postgres</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The process-wide server, started on first use and stopped when the process exits.</summary>
    public static async Task<PostgresCluster> SharedAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_shared is null)
            {
                s_shared = Environment.GetEnvironmentVariable("GATEWAY_TEST_POSTGRES") is { Length: > 0 } existing
                    ? new PostgresCluster(existing, null, null)
                    : await StartAsync();
                AppDomain.CurrentDomain.ProcessExit += static (_, _) => s_shared?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return s_shared;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"gateway_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBinaries();
        var directory = Directory.CreateTempSubdirectory("gateway-pg-").FullName;
        // PostgreSQL refuses to run as root: then run it as the package's `postgres` user (or nobody).
        var runAs = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot() ? SystemUser() : null;
        if (runAs is not null)
        {
            await RunAsync(null, "chown", $"-R {runAs} {directory}");
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(runAs, Path.Combine(bin, "initdb"), $"-D {data} -A trust -U gateway --encoding=UTF8 --locale=C --no-sync");

        var port = FreePort();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var postgres = $"{Path.Combine(bin, "postgres")} -D {data} -h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        // The guard: stop the server when this process is gone (killed tests leave no server behind).
        var guard = $"{(runAs is null ? "" : $"runuser -u {runAs} -- ")}{postgres} & server=$!; " +
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill -INT $server 2>/dev/null; wait $server";
        var server = new Process
        {
            StartInfo = new ProcessStartInfo("bash", ["-c", guard]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false },
            EnableRaisingEvents = true,
        };
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("database system is ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        server.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("PostgreSQL exited while starting:\n" + string.Join('\n', log)));
        server.Start();
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            server.Kill(entireProcessTree: true);
            throw new InvalidOperationException("PostgreSQL did not become ready within 60 s:\n" + string.Join('\n', log));
        }

        return new PostgresCluster($"Host=127.0.0.1;Port={port};Username=gateway;Database=postgres;Pooling=true", server, directory);
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("GATEWAY_TEST_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(static d => Path.Combine(d, "bin"))
                .Where(static b => File.Exists(Path.Combine(b, "postgres")))
                .OrderByDescending(static b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found. Install them (Debian/Ubuntu: sudo apt-get install postgresql; .ci/run does this), " +
            "set GATEWAY_TEST_PG_BIN to the directory holding initdb and postgres, or set GATEWAY_TEST_POSTGRES to a server's connection string.");
    }

    private static bool IsRoot() => File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(static l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";

    private static string SystemUser() => File.ReadLines("/etc/passwd").Any(static l => l.StartsWith("postgres:", StringComparison.Ordinal)) ? "postgres" : "nobody";

    private static async Task RunAsync(string? runAs, string program, string arguments)
    {
        (program, arguments) = runAs is null ? (program, arguments) : ("runuser", $"-u {runAs} -- {program} {arguments}");
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
