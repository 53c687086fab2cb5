using Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using SalesforceStandIn;

namespace Gateway.EndToEndTests;

/// <summary>
/// The real thing on loopback TCP: the sample Salesforce stand-in (an MCP C# SDK server) and the
/// gateway on Kestrel in front of it, with the gateway's static upstream token accepted by the stand-in.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private WebApplication _standIn = null!;

    /// <summary>Services added to the gateway's, e.g. a sink that captures audit records.</summary>
    public Action<IServiceCollection>? ConfigureGateway { get; init; }

    public StandInOptions StandInOptions { get; } = new() { Url = "http://127.0.0.1:0" };

    public GatewayFactory Gateway { get; private set; } = null!;

    public Uri McpEndpoint { get; private set; } = null!;

    /// <summary>The stand-in's own MCP URL, behind the gateway.</summary>
    public Uri StandInEndpoint { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        StandInOptions.AcceptedTokens[TestCredentials.UpstreamToken] = StandInOptions.AcceptedTokens.Values.First();
        _standIn = StandInServer.Create(StandInOptions);
        await _standIn.StartAsync();
        StandInEndpoint = _standIn.GetMcpEndpoint(StandInOptions);
        Gateway = new GatewayFactory(StandInEndpoint, useKestrel: true, configureServices: ConfigureGateway);
        McpEndpoint = new Uri(Gateway.KestrelAddress, "/mcp");
    }

    /// <summary>An MCP C# SDK client connected through the gateway with alice's API key.</summary>
    public Task<McpClient> ConnectAsync(string apiKey = TestCredentials.AliceApiKey, string? protocolVersion = null, McpClientHandlers? handlers = null,
        CancellationToken cancellationToken = default)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["x-api-key"] = apiKey },
        });
        return McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion, Handlers = handlers ?? new() }, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await _standIn.StopAsync();
        await _standIn.DisposeAsync();
    }
}
