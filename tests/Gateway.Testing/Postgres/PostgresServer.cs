using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Gateway.Testing;

/// <summary>
/// A real, throwaway PostgreSQL server for tests: <c>initdb</c> into a fresh temporary directory, then
/// <c>postgres</c> on a free port of 127.0.0.1 only (its unix socket inside that directory), trust
/// authentication, durability off. Each test takes its own database from it.
/// </summary>
/// <remarks>
/// <para>Usage, from any test assembly that references Gateway.Testing:</para>
/// <code>
/// var server = await PostgresServer.SharedAsync(TestContext.Current.CancellationToken);
/// var connectionString = await server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
/// </code>
/// <para>
/// <see cref="SharedAsync"/> is the default: one server per test process, started on first use and stopped when the
/// process exits. It is a static accessor rather than an xunit assembly fixture so that every test assembly (integration,
/// end-to-end) can use it without wiring, an assembly that never asks starts nothing, and the cost (about a second) is
/// paid once per process however many classes use it. Do not dispose it. A test that needs a server of its own, to stop
/// or break it, calls <see cref="StartAsync"/> and disposes the result.
/// </para>
/// <para>
/// Environment: <c>GATEWAY_TEST_POSTGRES</c>, a connection string, makes both methods use that server instead of
/// starting one (databases are created on it and dropped again at disposal or process exit).
/// <c>GATEWAY_TEST_PG_BIN</c> names the directory holding <c>initdb</c> and <c>postgres</c>; without it they are found
/// through <c>pg_config --bindir</c>, then as the newest <c>/usr/lib/postgresql/*/bin</c> (Debian's layout).
/// </para>
/// <para>
/// Root: PostgreSQL refuses to run as root, so a privileged test process runs <c>initdb</c> and <c>postgres</c> as the
/// <c>postgres</c> system user (which Debian's package creates) or else as <c>nobody</c>, through <c>runuser</c>, and
/// hands the temporary directory to that user.
/// </para>
/// <para>
/// No server outlives the test process: <see cref="DisposeAsync"/> stops it, so does <see cref="AppDomain.ProcessExit"/>,
/// and, for a process that is killed or crashes, the server runs under a small shell guard that holds the read end of a
/// pipe whose write end only this process holds; when it closes, however the process ended, the guard stops the server
/// (immediate shutdown).
/// </para>
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>A connection string of an existing server to use instead of starting one.</summary>
    public const string ExistingServerVariable = "GATEWAY_TEST_POSTGRES";

    /// <summary>The directory holding <c>initdb</c> and <c>postgres</c>.</summary>
    public const string BinariesVariable = "GATEWAY_TEST_PG_BIN";

    private const string Superuser = "postgres";
    private const string DebianRoot = "/usr/lib/postgresql";
    private const string InstallHint =
        "Install the PostgreSQL server: on Debian/Ubuntu `sudo apt-get install -y postgresql` (.ci/run does this); " +
        $"or set {BinariesVariable} to the directory holding initdb and postgres; " +
        $"or set {ExistingServerVariable} to the connection string of a server the tests may create databases on.";

    // The guard. $1 the server's directory, $2 its log file, then the server's command line. Standard input is the
    // lifeline: it reaches end-of-file when this process closes it or dies, however, and then the watcher stops the
    // server with SIGQUIT (immediate shutdown) sent to the postmaster itself, since runuser would pass on SIGTERM (a
    // smart shutdown, which waits for clients), and deletes the directory. A server that exits by itself (a port
    // taken) ends the guard, watcher included, leaving the directory for another try.
    private const string GuardScript = """
        dir=$1 log=$2; shift 2
        exec 3<&0 </dev/null >>"$log" 2>&1
        "$@" 3<&- &
        server=$!
        {
          read -r -u 3 _
          trap '' TERM
          pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
          pid=${pid:-$server}
          kill -QUIT "$pid" 2>/dev/null
          for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
          if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" "$server" 2>/dev/null; sleep 0.5; fi
          rm -rf "$dir"
        } &
        watcher=$!
        wait "$server"
        status=$?
        kill "$watcher" 2>/dev/null
        wait "$watcher"
        exit "$status"
        """;

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);
    private static readonly SemaphoreSlim s_sharedGate = new(1, 1);
    private static PostgresServer? s_shared;

    private readonly Process? _guard;
    private readonly string? _directory;
    private readonly bool _shared;
    private readonly NpgsqlDataSource _admin;
    private readonly ConcurrentQueue<string> _created = new();
    private int _stopped;

    private PostgresServer(string connectionString, Process? guard, string? directory, bool shared)
    {
        ConnectionString = connectionString;
        _guard = guard;
        _directory = directory;
        _shared = shared;
        _admin = NpgsqlDataSource.Create(connectionString);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The maintenance connection string (superuser, database <c>postgres</c> on a started server).</summary>
    public string ConnectionString { get; }

    /// <summary>Whether this is the server named by <c>GATEWAY_TEST_POSTGRES</c> rather than one started here.</summary>
    public bool IsExisting => _guard is null;

    /// <summary>The process-wide server: started on first use, stopped when the process exits. Do not dispose it.</summary>
    public static async Task<PostgresServer> SharedAsync(CancellationToken cancellationToken = default)
    {
        await s_sharedGate.WaitAsync(cancellationToken);
        try
        {
            // A failed start is not cached: the next test tries again and reports its own error.
            return s_shared ??= await StartCoreAsync(shared: true, cancellationToken);
        }
        finally
        {
            s_sharedGate.Release();
        }
    }

    /// <summary>Starts a server that the caller owns and disposes.</summary>
    public static Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartCoreAsync(shared: false, cancellationToken);

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    /// <param name="name">The database name; a unique one when null.</param>
    public string CreateDatabase(string? name = null)
    {
        name = ValidName(name);
        using (var command = _admin.CreateCommand($"CREATE DATABASE {QuoteIdentifier(name)}"))
        {
            command.ExecuteNonQuery();
        }

        return Created(name);
    }

    /// <inheritdoc cref="CreateDatabase"/>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name = ValidName(name);
        await using (var command = _admin.CreateCommand($"CREATE DATABASE {QuoteIdentifier(name)}"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return Created(name);
    }

    /// <summary>Stops the server and deletes its directory; does nothing on the shared server, which the process owns.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_shared)
        {
            await StopAsync();
        }
    }

    private static async Task<PostgresServer> StartCoreAsync(bool shared, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(ExistingServerVariable) is { Length: > 0 } existing)
        {
            return new PostgresServer(existing, guard: null, directory: null, shared);
        }

        var bin = FindBinaries();
        var runAs = Environment.IsPrivilegedProcess ? await UnprivilegedUserAsync(cancellationToken) : null;
        var directory = await CreateDirectoryAsync(runAs, cancellationToken);
        try
        {
            var data = Path.Combine(directory, "data");
            await RunCheckedAsync(runAs, directory, Path.Combine(bin, "initdb"),
                ["-D", data, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken);

            // The free port is only free when we look; if something takes it before postgres binds, try another.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var connectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1", Port = port, Username = Superuser, Database = "postgres",
                }.ConnectionString;
                var log = Path.Combine(directory, $"postgres-{attempt}.log");
                var guard = StartGuard(runAs, directory, bin, port, log);
                try
                {
                    if (await WaitUntilReadyAsync(guard, log, cancellationToken))
                    {
                        return new PostgresServer(connectionString, guard, directory, shared);
                    }
                }
                catch
                {
                    await StopGuardAsync(guard);
                    throw;
                }

                var output = ReadLog(log);
                await StopGuardAsync(guard);
                if (attempt >= 3 || !output.Contains("could not bind", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"PostgreSQL exited while starting:\n{output}");
                }
            }
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>The directory holding <c>initdb</c> and <c>postgres</c>, or an exception saying how to install them.</summary>
    public static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(BinariesVariable) is { Length: > 0 } configured)
        {
            return HasServer(configured)
                ? configured
                : throw new InvalidOperationException($"{BinariesVariable} is '{configured}', which holds no initdb and postgres. {InstallHint}");
        }

        // On Debian pg_config may come from libpq-dev alone and name a bin directory without a server: check it.
        if (PgConfigBinDir() is { } fromPgConfig && HasServer(fromPgConfig))
        {
            return fromPgConfig;
        }

        var newest = Directory.Exists(DebianRoot)
            ? Directory.EnumerateDirectories(DebianRoot)
                .Select(static d => (Version: ParseVersion(Path.GetFileName(d)), Bin: Path.Combine(d, "bin")))
                .Where(static c => c.Version is not null && HasServer(c.Bin))
                .OrderByDescending(static c => c.Version)
                .Select(static c => c.Bin)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, postgres) were not found: {BinariesVariable} is not set, `pg_config --bindir` " +
            $"names none, and {DebianRoot}/*/bin holds none. {InstallHint}");
    }

    private static bool HasServer(string bin) =>
        File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "postgres"));

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null; // no pg_config on the PATH
        }
    }

    private static async Task<string> UnprivilegedUserAsync(CancellationToken cancellationToken) =>
        (await RunAsync(null, "/", "id", ["-u", Superuser], cancellationToken)).ExitCode == 0 ? Superuser : "nobody";

    private static async Task<string> CreateDirectoryAsync(string? runAs, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("gateway-pg-").FullName;
        if (runAs is null)
        {
            return directory;
        }

        if (!OperatingSystem.IsLinux())
        {
            DeleteDirectory(directory);
            throw new PlatformNotSupportedException("A privileged test process starts PostgreSQL as another user through runuser, which needs Linux; run the tests unprivileged.");
        }

        // The server's user must reach the directory; a TMPDIR under root's home would not let it, /tmp does.
        if (await HandOverAsync(runAs, directory, cancellationToken))
        {
            return directory;
        }

        DeleteDirectory(directory);
        directory = Directory.CreateDirectory(Path.Combine("/tmp", "gateway-pg-" + Path.GetRandomFileName()), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        if (await HandOverAsync(runAs, directory, cancellationToken))
        {
            return directory;
        }

        DeleteDirectory(directory);
        throw new InvalidOperationException($"Running as root, the tests start PostgreSQL as '{runAs}', who cannot write to {directory}.");
    }

    private static async Task<bool> HandOverAsync(string runAs, string directory, CancellationToken cancellationToken)
    {
        await RunCheckedAsync(null, "/", "chown", [$"{runAs}:", directory], cancellationToken);
        return (await RunAsync(runAs, "/", "test", ["-w", directory, "-a", "-x", directory], cancellationToken)).ExitCode == 0;
    }

    private static Process StartGuard(string? runAs, string directory, string bin, int port, string log)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, WorkingDirectory = directory };
        foreach (var argument in (string[])["-c", GuardScript, "postgres-guard", directory, log])
        {
            start.ArgumentList.Add(argument);
        }

        // A unix socket path longer than sun_path (108 bytes) fails the start; then TCP alone (all the tests use).
        var socketDirectory = Encoding.UTF8.GetByteCount($"{directory}/.s.PGSQL.{port}") < 100 ? directory : "";
        foreach (var argument in Command(runAs, Path.Combine(bin, "postgres"),
            ["-D", Path.Combine(directory, "data"), "-p", port.ToString(CultureInfo.InvariantCulture),
             "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={socketDirectory}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"]))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>
    /// True once the server logs that it accepts connections (it logs that after opening its sockets);
    /// false when it exits first (a port taken between choosing and binding). Event-driven: the log
    /// file is watched (inotify), not polled.
    /// </summary>
    private static async Task<bool> WaitUntilReadyAsync(Process guard, string log, CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(log)!, Path.GetFileName(log))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
        };
        void Check()
        {
            if (ReadLog(log).Contains("ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult(true);
            }
        }

        watcher.Changed += (_, _) => Check();
        watcher.Created += (_, _) => Check();
        watcher.EnableRaisingEvents = true;
        guard.EnableRaisingEvents = true;
        guard.Exited += (_, _) => ready.TrySetResult(false);
        // Written before the watcher started, or exited already: the events above would never come.
        Check();
        if (guard.HasExited)
        {
            ready.TrySetResult(false);
        }

        try
        {
            return await ready.Task.WaitAsync(s_startTimeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"PostgreSQL did not accept connections within {s_startTimeout}:\n{ReadLog(log)}", e);
        }
    }

    private static async Task StopGuardAsync(Process guard)
    {
        try
        {
            guard.StandardInput.Close(); // the lifeline: the guard shuts the server down
            using var timeout = new CancellationTokenSource(s_stopTimeout);
            await guard.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            guard.Kill(entireProcessTree: true);
            await guard.WaitForExitAsync();
        }
        finally
        {
            guard.Dispose();
        }
    }

    private async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (_guard is null)
        {
            await DropCreatedDatabasesAsync();
        }
        else
        {
            await StopGuardAsync(_guard);
            DeleteDirectory(_directory!);
        }

        await _admin.DisposeAsync();
    }

    private async Task DropCreatedDatabasesAsync()
    {
        while (_created.TryDequeue(out var name))
        {
            try
            {
                await using var command = _admin.CreateCommand($"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)");
                await command.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // A database left behind on someone else's server is untidy, not a test failure.
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopAsync().GetAwaiter().GetResult();

    private string Created(string name)
    {
        _created.Enqueue(name);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private static string ValidName(string? name)
    {
        name ??= $"test_{Guid.NewGuid():N}";
        return name.Length > 0 && Encoding.UTF8.GetByteCount(name) <= 63 && !name.Contains('\0', StringComparison.Ordinal)
            ? name
            : throw new ArgumentException($"'{name}' is not a PostgreSQL database name (1 to 63 bytes, no NUL).", nameof(name));
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ReadLog(string log)
    {
        try
        {
            var text = File.ReadAllText(log);
            return text.Length <= 8000 ? text : text[^8000..];
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory must not fail the test run.
        }
    }

    private static IEnumerable<string> Command(string? runAs, string program, IEnumerable<string> arguments) =>
        runAs is null ? [program, .. arguments] : [Runuser(), "-u", runAs, "--", program, .. arguments];

    // runuser lives in sbin, which a root shell's PATH normally holds but a trimmed CI environment may not.
    private static string Runuser() =>
        ((string[])["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]).FirstOrDefault(File.Exists) ?? "runuser";

    private static async Task RunCheckedAsync(string? runAs, string workingDirectory, string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(runAs, workingDirectory, program, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', Command(runAs, program, arguments))} failed ({exitCode}):\n{output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string? runAs, string workingDirectory, string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        var command = Command(runAs, program, arguments).ToList();
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}
