using System.Text.RegularExpressions;
using Gateway.Mcp;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy;

/// <summary>
/// Says at start-up what an operator needs to know about the configured upstream: Salesforce's beta
/// URLs "will stop working once beta access is retired" (beta-to-ga-transition), and the server is
/// <c>sobject-all</c>, not <c>subject-all</c> (reference/domain.md §1.2). It warns and shows the GA
/// form; it does not refuse, since the beta URL may be exactly what an org still runs on.
/// </summary>
internal sealed partial class UpstreamEndpointAdvisor(
    IOptions<UpstreamOptions> upstream,
    IOptions<McpOptions> mcp,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<UpstreamEndpointAdvisor> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = upstream.Value.Endpoint;
        logger.UpstreamEndpoint(endpoint);
        if (SuggestGaEndpoint(endpoint) is { } suggestion)
        {
            if (BetaVersion().IsMatch(endpoint.AbsolutePath))
            {
                logger.UpstreamEndpointIsBeta(endpoint, suggestion);
            }

            if (endpoint.AbsolutePath.Contains("subject-", StringComparison.Ordinal))
            {
                logger.UpstreamEndpointLooksMisspelled(endpoint, suggestion);
            }
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                var url = address.TrimEnd('/') + mcp.Value.Path;
                logger.ListeningForMcp(url);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The GA form of a Salesforce hosted MCP URL: <c>/platform/mcp/v1[/sandbox]/platform/&lt;server&gt;</c>
    /// (developer.salesforce.com hosted-mcp-servers "Server Connection Failures"), or <see langword="null"/>
    /// when the URL already has that form or is not a Salesforce hosted MCP URL.
    /// </summary>
    internal static Uri? SuggestGaEndpoint(Uri endpoint)
    {
        if (!endpoint.Host.Equals("api.salesforce.com", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var match = SalesforcePath().Match(endpoint.AbsolutePath);
        if (!match.Success)
        {
            return null;
        }

        var server = match.Groups["server"].Value.Replace("subject-", "sobject-", StringComparison.Ordinal);
        if (!server.Contains('/', StringComparison.Ordinal))
        {
            // Standard servers live under platform/ at GA; custom ones under custom/.
            server = "platform/" + server;
        }

        var path = $"/platform/mcp/v1{match.Groups["sandbox"].Value}/{server}";
        return path == endpoint.AbsolutePath ? null : new Uri(endpoint, path);
    }

    [GeneratedRegex(@"^/platform/mcp/v1-beta\.\d+/")]
    private static partial Regex BetaVersion();

    [GeneratedRegex(@"^/platform/mcp/v1(?:-beta\.\d+)?(?<sandbox>/sandbox)?/(?<server>.+?)/?$")]
    private static partial Regex SalesforcePath();
}
