namespace Gateway.Credentials;

/// <summary>How the gateway authenticates to the upstream MCP server (<c>Gateway:Upstream:Credential</c>).</summary>
public sealed class UpstreamCredentialOptions
{
    public const string SectionName = "Gateway:Upstream:Credential";

    /// <summary>The credential mode. <c>Static</c>: a fixed bearer token from <see cref="StaticToken"/>.</summary>
    public string Mode { get; set; } = "Static";

    /// <summary>
    /// The bearer token sent upstream in <c>Static</c> mode. A secret: supply it through the environment
    /// (<c>Gateway__Upstream__Credential__StaticToken</c>) or a secret store, not a committed file.
    /// </summary>
    public string? StaticToken { get; set; }
}
