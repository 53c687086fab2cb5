using System.Security.Cryptography;
using System.Text;
using SalesforceStandIn;

namespace Sandbox;

/// <summary>
/// Starts the local Salesforce stand-in on a free loopback port, then runs the gateway's own entry
/// point in front of it (the same code path as <c>dotnet run --project src/Gateway</c>), configured by
/// command-line settings: upstream endpoint and token, and a fresh API key whose SHA-256 is all the
/// gateway is told. Extra arguments are passed to the gateway, e.g. <c>--Urls=http://127.0.0.1:6000</c>.
/// </summary>
internal static class SandboxLauncher
{
    private const string DefaultUrl = "http://127.0.0.1:5080";

    public static async Task<int> Main(string[] args)
    {
        var standInOptions = new StandInOptions { Url = "http://127.0.0.1:0" };
        await using var standIn = StandInServer.Create(standInOptions);
        await standIn.StartAsync();
        var upstream = standIn.GetMcpEndpoint(standInOptions);
        var upstreamToken = standInOptions.AcceptedTokens.Keys.First();

        // A new key per run unless one is given, so no well-known key ever guards a gateway.
        var apiKey = Environment.GetEnvironmentVariable("GATEWAY_API_KEY") is { Length: > 0 } given
            ? given
            : "sandbox-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var url = args.FirstOrDefault(static a => a.StartsWith("--Urls=", StringComparison.OrdinalIgnoreCase))?["--Urls=".Length..] ?? DefaultUrl;

        string[] gatewayArgs =
        [
            "--environment", "Development",
            $"--Urls={DefaultUrl}",
            $"--Gateway:Upstream:Endpoint={upstream}",
            $"--Gateway:Upstream:Credential:StaticToken={upstreamToken}",
            "--Gateway:Inbound:ApiKeys:0:Id=sandbox",
            $"--Gateway:Inbound:ApiKeys:0:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)))}",
            "--Gateway:State:DataDirectory=data/sandbox",
            .. args,
        ];

        Console.WriteLine($"""

            MCP gateway sandbox
              Upstream (Salesforce stand-in): {upstream}
              MCP URL for clients:            {url.TrimEnd('/')}/mcp
              API key header:                 x-api-key
              API key:                        {apiKey}

            Try it:  dotnet run --project samples/GatewayClient -- --url {url.TrimEnd('/')}/mcp --api-key {apiKey}
            Stop with Ctrl+C.

            """);

        // The gateway's generated Program.Main: the real composition, configuration and logging.
        var entryPoint = typeof(Program).Assembly.EntryPoint
            ?? throw new InvalidOperationException("The gateway assembly has no entry point.");
        try
        {
            await Task.Run(() => entryPoint.Invoke(null, [gatewayArgs]));
            return 0;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Console.Error.WriteLine($"The gateway stopped: {ex.InnerException.Message}");
            return 1;
        }
        finally
        {
            await standIn.StopAsync();
        }
    }
}
