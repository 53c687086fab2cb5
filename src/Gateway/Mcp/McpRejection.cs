namespace Gateway.Mcp;

/// <summary>
/// Why the gateway refused or failed a request: everything the one error writer needs. A value,
/// not an exception (STYLE.md §5); <see cref="Reason"/> is a stable machine-readable word that
/// also labels the rejection metric and the audit record.
/// </summary>
internal sealed record McpRejection(int StatusCode, int Code, string Reason, string Message)
{
    /// <summary>The raw JSON of the request id to echo, or <see langword="null"/> to write <c>"id":null</c>.</summary>
    public string? IdJson { get; init; }

    /// <summary>Extra headers for the response, e.g. <c>WWW-Authenticate</c> or <c>Allow</c>.</summary>
    public KeyValuePair<string, string>[]? Headers { get; init; }

    /// <summary>For <see cref="JsonRpcErrorCodes.UnsupportedProtocolVersion"/>: the versions the gateway supports.</summary>
    public IReadOnlyList<string>? SupportedVersions { get; init; }

    /// <summary>For <see cref="JsonRpcErrorCodes.UnsupportedProtocolVersion"/>: the version the client asked for.</summary>
    public string? RequestedVersion { get; init; }
}
