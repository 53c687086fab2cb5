namespace Gateway.Proxy;

/// <summary>Where and how the gateway forwards MCP traffic (<c>Gateway:Upstream</c>).</summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "Gateway:Upstream";

    /// <summary>The default upstream: the endpoint the seed setup registered with the DevOps Agent.</summary>
    public const string DefaultEndpoint = "https://api.salesforce.com/platform/mcp/v1-beta.2/sandbox/subject-all";

    /// <summary>
    /// The upstream MCP endpoint URL. Default: the seed setup's Salesforce beta sandbox URL; start-up
    /// warns about beta URLs and the <c>subject-all</c> spelling and shows the GA form.
    /// </summary>
    public Uri Endpoint { get; set; } = new(DefaultEndpoint);

    /// <summary>
    /// The longest the upstream may stay silent (no response headers, no body bytes) on a request
    /// before the gateway gives up: 504 before the response started, the connection closed after.
    /// Default 10 minutes, so long tool calls finish. <c>00:00:00</c> means no limit.
    /// </summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The same limit once the response is an SSE stream. Default <c>00:00:00</c>, no limit: a GET
    /// stream may rightly be idle for hours, and keep-alives hold intermediaries open.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often an idle SSE stream gets a <c>: keep-alive</c> comment, written only between events.
    /// Default 15 seconds, well under the 60 s idle limit of common load balancers. <c>00:00:00</c> turns it off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The TCP/TLS connect timeout to the upstream. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
