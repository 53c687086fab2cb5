namespace Gateway.Inbound;

/// <summary>How clients authenticate to the gateway (<c>Gateway:Inbound</c>).</summary>
public sealed class InboundAuthOptions
{
    public const string SectionName = "Gateway:Inbound";

    /// <summary>The request header that carries an API key. Default <c>x-api-key</c>.</summary>
    public string ApiKeyHeader { get; set; } = "x-api-key";

    /// <summary>Accepted API keys, each an id and the SHA-256 of the key (the key itself is never configured).</summary>
    public List<HashedCredential> ApiKeys { get; set; } = [];

    /// <summary>Accepted static bearer tokens (<c>Authorization: Bearer …</c>), each an id and the SHA-256 of the token.</summary>
    public List<HashedCredential> BearerTokens { get; set; } = [];

    /// <summary>
    /// Lets requests without any credential through as the principal <c>anonymous</c>. Default
    /// <see langword="false"/>; with no keys and no tokens configured, start-up fails unless this is set
    /// (secure by default, STYLE.md §2.3).
    /// </summary>
    public bool AllowAnonymous { get; set; }
}

/// <summary>One accepted secret: an id that names it in logs and audit records, and its SHA-256.</summary>
public sealed class HashedCredential
{
    /// <summary>A name for this credential (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>); it identifies the principal.</summary>
    public string Id { get; set; } = "";

    /// <summary>The lowercase or uppercase hex SHA-256 of the UTF-8 secret, 64 characters (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string Sha256 { get; set; } = "";
}
