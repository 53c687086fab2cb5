using Gateway.Mcp;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary>
/// The URLs clients know the gateway by: the issuer, the canonical MCP URL (the token audience and RFC
/// 8707 resource) and the protected-resource metadata URL. One value per process, so the issuer in the
/// metadata is exactly the one clients looked up (RFC 8414 §3.3).
/// </summary>
internal sealed class GatewayPublicUrls(IOptions<AuthorizationServerOptions> options, IOptions<McpOptions> mcp, IServer server)
{
    public const string ProtectedResourceMetadataPath = "/.well-known/oauth-protected-resource";

    private readonly Lazy<string> _base = new(() => options.Value.PublicBaseUrl?.TrimEnd('/') ?? BoundAddress(server));

    /// <summary>The issuer identifier: the public origin, no trailing slash.</summary>
    public string BaseUrl => _base.Value;

    /// <summary>The canonical MCP URL (MCP authorization, "Canonical Server URI"): no trailing slash, no fragment.</summary>
    public string ResourceUrl => BaseUrl + mcp.Value.Path;

    /// <summary>The path-suffixed well-known URL of the MCP endpoint's metadata (RFC 9728 §3.1).</summary>
    public string ResourceMetadataUrl => BaseUrl + ProtectedResourceMetadataPath + mcp.Value.Path;

    public string Url(string path) => BaseUrl + path;

    private static string BoundAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"{AuthorizationServerOptions.SectionName}:PublicBaseUrl is not set and the server reports no address to use instead.");
        // Kestrel reports what it bound, e.g. http://127.0.0.1:5080 or http://[::]:8080; a wildcard host is no address.
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal));
        return uri.GetLeftPart(UriPartial.Authority);
    }
}
