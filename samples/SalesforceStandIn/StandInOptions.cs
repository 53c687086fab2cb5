namespace SalesforceStandIn;

/// <summary>The Salesforce user a bearer token stands for.</summary>
public sealed record StandInUser(string UserId, string OrganizationId, string Username, string DisplayName);

/// <summary>How the stand-in behaves.</summary>
public sealed class StandInOptions
{
    /// <summary>Where it listens. Default: a free port on 127.0.0.1; read the bound one with <c>GetMcpEndpoint</c> after start.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>The MCP path; Salesforce's GA sandbox form by default. Any other path under /platform/mcp/ answers 404 "Server definition not found".</summary>
    public string McpPath { get; set; } = "/platform/mcp/v1/sandbox/platform/sobject-all";

    /// <summary>Accepted bearer tokens and the user each one stands for.</summary>
    public IDictionary<string, StandInUser> AcceptedTokens { get; } = new Dictionary<string, StandInUser>(StringComparer.Ordinal)
    {
        ["sandbox-token"] = new("005000000000001AAA", "00D000000000001AAA", "sandbox.user@example.com", "Sandbox User"),
    };

    /// <summary>
    /// Serve every client without sessions (the SDK's <c>HttpServerSessionMode.Stateless</c>). Default: sessions for
    /// initialize-handshake clients, stateless for 2026-07-28 clients (<c>StatefulForInitializeClients</c>).
    /// </summary>
    public bool Stateless { get; set; }

    /// <summary>The Salesforce-like OAuth authority on the same host (off by default).</summary>
    public StandInAuthorityOptions Authority { get; } = new();

    /// <summary>Store SSE events in memory so a session client can resume with <c>Last-Event-ID</c>. Ignored when <see cref="Stateless"/>.</summary>
    public bool EnableResumability { get; set; } = true;
}
