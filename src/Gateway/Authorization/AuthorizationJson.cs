using System.Text.Json.Serialization;

namespace Gateway.Authorization;

/// <summary>OAuth 2.0 Protected Resource Metadata (RFC 9728 §2).</summary>
internal sealed record ProtectedResourceMetadata(
    string Resource,
    IReadOnlyList<string> AuthorizationServers,
    IReadOnlyList<string> ScopesSupported,
    IReadOnlyList<string> BearerMethodsSupported,
    string ResourceName);

/// <summary>A client registration request (RFC 7591 §2); unknown members are ignored (§3.1).</summary>
internal sealed record ClientRegistrationRequest
{
    public IReadOnlyList<string>? RedirectUris { get; init; }

    public string? TokenEndpointAuthMethod { get; init; }

    public IReadOnlyList<string>? GrantTypes { get; init; }

    public IReadOnlyList<string>? ResponseTypes { get; init; }

    public string? ClientName { get; init; }

    public string? ClientUri { get; init; }

    public string? Scope { get; init; }
}

/// <summary>The client information response (RFC 7591 §3.2.1).</summary>
internal sealed record ClientRegistrationResponse
{
    public required string ClientId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientSecret { get; init; }

    public long ClientIdIssuedAt { get; init; }

    /// <summary>0: the secret does not expire (RFC 7591 §3.2.1); present only with a secret.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ClientSecretExpiresAt { get; init; }

    public required IReadOnlyList<string> RedirectUris { get; init; }

    public required string TokenEndpointAuthMethod { get; init; }

    public required IReadOnlyList<string> GrantTypes { get; init; }

    public required IReadOnlyList<string> ResponseTypes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientName { get; init; }

    public required string Scope { get; init; }
}

/// <summary>A registration error (RFC 7591 §3.2.2).</summary>
internal sealed record OAuthError(string Error, string ErrorDescription);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ProtectedResourceMetadata))]
[JsonSerializable(typeof(ClientRegistrationRequest))]
[JsonSerializable(typeof(ClientRegistrationResponse))]
[JsonSerializable(typeof(OAuthError))]
internal sealed partial class AuthorizationJsonContext : JsonSerializerContext;
