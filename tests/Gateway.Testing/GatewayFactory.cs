using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Gateway.Testing;

/// <summary>
/// The real gateway (its own <c>Program</c>) configured from the repository's root
/// <c>appsettings.json</c> plus per-test overrides: API keys for alice and bob, a bearer token for
/// carol, a static upstream token, and the upstream the test provides. Logs are captured for scans.
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _timeProvider;
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-test-").FullName;

    private readonly Action<IServiceCollection>? _configureServices;
    private readonly bool _useKestrel;

    public GatewayFactory(Uri upstream, IDictionary<string, string?>? settings = null, TimeProvider? timeProvider = null, bool useKestrel = false,
        Action<IServiceCollection>? configureServices = null)
    {
        _timeProvider = timeProvider;
        _configureServices = configureServices;
        _settings = new Dictionary<string, string?>
        {
            ["Gateway:Upstream:Endpoint"] = upstream.ToString(),
            ["Gateway:Upstream:Credential:StaticToken"] = TestCredentials.UpstreamToken,
            ["Gateway:Inbound:ApiKeys:0:Id"] = "alice",
            ["Gateway:Inbound:ApiKeys:0:Sha256"] = TestCredentials.Sha256Hex(TestCredentials.AliceApiKey),
            ["Gateway:Inbound:ApiKeys:1:Id"] = "bob",
            ["Gateway:Inbound:ApiKeys:1:Sha256"] = TestCredentials.Sha256Hex(TestCredentials.BobApiKey),
            ["Gateway:Inbound:BearerTokens:0:Id"] = "carol",
            ["Gateway:Inbound:BearerTokens:0:Sha256"] = TestCredentials.Sha256Hex(TestCredentials.CarolBearerToken),
            ["Gateway:State:DataDirectory"] = _dataDirectory,
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Debug",
            // Records still reach the captured logs (and the secret scans); no JSON lines on stdout.
            ["Gateway:Audit:Sink"] = "None",
        };
        // A null value removes the factory's default, so the key falls back to appsettings.json.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                _settings.Remove(key);
            }
            else
            {
                _settings[key] = value;
            }
        }

        _useKestrel = useKestrel;
        if (useKestrel)
        {
            UseKestrel(0);
        }
    }

    public CapturedLogs Logs { get; } = new();

    /// <summary>The repository's root <c>appsettings.json</c>, the deployable configuration.</summary>
    public static string RootAppSettingsPath => Path.Combine(RepositoryRoot, "appsettings.json");

    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Gateway.sln not found above the test output directory.");
        }
    }

    /// <summary>An <see cref="HttpClient"/> for the gateway: in-memory, or over loopback TCP when the factory uses Kestrel.</summary>
    public HttpClient CreateGatewayClient()
    {
        if (!_useKestrel)
        {
            return CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        }

        StartServer();
        return new HttpClient { BaseAddress = KestrelAddress };
    }

    /// <summary>The loopback address Kestrel listens on (Kestrel mode only).</summary>
    public Uri KestrelAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new Uri(addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Settings read while Program.cs registers services (which telemetry providers exist) must
        // reach the builder's configuration before it builds; host settings do.
        foreach (var (key, value) in _settings.Where(static s => s.Key.StartsWith("Gateway:Telemetry:", StringComparison.Ordinal) || s.Key.StartsWith("Gateway:Audit:", StringComparison.Ordinal)
            || s.Key == "Gateway:Authorization:Enabled"))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(configuration =>
        {
            configuration.Sources.Clear();
            configuration.AddJsonFile(RootAppSettingsPath, optional: false);
            configuration.AddInMemoryCollection(_settings);
        });
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
        builder.ConfigureServices(services =>
        {
            if (_timeProvider is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(_timeProvider);
            }

            _configureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
