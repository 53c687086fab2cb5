using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gateway.Authorization;

/// <summary>
/// Dynamic Client Registration (RFC 7591) under the configured <see cref="RegistrationPolicy"/>: code
/// flow clients only (machine clients are pre-registered), PKCE required, redirect URIs HTTPS or
/// loopback, at most <c>PermitLimit</c> registrations per address per window.
/// </summary>
internal static class ClientRegistrationEndpoint
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxRedirectUris = 10;
    private const int MaxNameLength = 200;

    public static async Task<IResult> RegisterAsync(HttpContext context, [FromServices] IOpenIddictApplicationManager applications,
        [FromServices] RegistrationLimiter limiter, [FromServices] IOptions<AuthorizationServerOptions> options, [FromServices] TimeProvider time, [FromServices] ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(ClientRegistrationEndpoint));
        var policy = options.Value.Registration;
        if (!limiter.TryAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown"))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(policy.Window.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Error(logger, StatusCodes.Status429TooManyRequests, "too_many_requests", "Too many client registrations from this address; try again later.");
        }

        if (policy.Policy == RegistrationPolicy.InitialAccessToken && !HasInitialAccessToken(context.Request, policy.InitialAccessTokenSha256!))
        {
            // RFC 7591 §3: a protected registration endpoint answers like any OAuth protected resource.
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Error(logger, StatusCodes.Status401Unauthorized, Errors.InvalidToken, "Registration needs a valid initial access token.");
        }

        if (!(context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return Error(logger, StatusCodes.Status415UnsupportedMediaType, "invalid_client_metadata", "Send the client metadata as application/json (RFC 7591 §3.1).");
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Error(logger, StatusCodes.Status413PayloadTooLarge, "invalid_client_metadata", $"Client metadata is limited to {MaxBodyBytes} bytes.");
        }

        ClientRegistrationRequest? metadata;
        try
        {
            using var limited = new MemoryStream();
            await context.Request.Body.CopyToAsync(limited, context.RequestAborted);
            if (limited.Length > MaxBodyBytes)
            {
                return Error(logger, StatusCodes.Status413PayloadTooLarge, "invalid_client_metadata", $"Client metadata is limited to {MaxBodyBytes} bytes.");
            }

            metadata = JsonSerializer.Deserialize(limited.GetBuffer().AsSpan(0, (int)limited.Length), AuthorizationJsonContext.Default.ClientRegistrationRequest);
        }
        catch (JsonException)
        {
            return Error(logger, StatusCodes.Status400BadRequest, "invalid_client_metadata", "The body is not a JSON object of client metadata.");
        }

        if (metadata is null)
        {
            return Error(logger, StatusCodes.Status400BadRequest, "invalid_client_metadata", "The body is not a JSON object of client metadata.");
        }

        if (Check(metadata, policy) is { } problem)
        {
            return Error(logger, StatusCodes.Status400BadRequest, problem.Error, problem.ErrorDescription);
        }

        var authMethod = metadata.TokenEndpointAuthMethod ?? ClientAuthenticationMethods.ClientSecretBasic;
        var confidential = authMethod != "none";
        var clientId = "mcp-" + Base64Url(RandomNumberGenerator.GetBytes(16));
        var secret = confidential ? Base64Url(RandomNumberGenerator.GetBytes(32)) : null;
        var name = Clean(metadata.ClientName);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            // No consent type: the gateway asks every user for every client (ConsentPage).
            DisplayName = name,
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        AddInteractivePermissions(descriptor, options.Value.Scope);
        foreach (var redirect in metadata.RedirectUris!)
        {
            descriptor.RedirectUris.Add(new Uri(redirect));
        }

        await applications.CreateAsync(descriptor, context.RequestAborted);
        Log.ClientRegistered(logger, clientId, descriptor.ClientType!, string.Join(' ', descriptor.RedirectUris.Select(static u => u.Host).Distinct()));
        var response = new ClientRegistrationResponse
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientIdIssuedAt = time.GetUtcNow().ToUnixTimeSeconds(),
            ClientSecretExpiresAt = secret is null ? null : 0,
            RedirectUris = metadata.RedirectUris!,
            TokenEndpointAuthMethod = authMethod,
            GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken],
            ResponseTypes = [ResponseTypes.Code],
            ClientName = name,
            Scope = $"{options.Value.Scope} {Scopes.OfflineAccess}",
        };
        // RFC 7591 §3.2.1: 201, and the response (which may carry a secret) is never cached.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return Results.Json(response, AuthorizationJsonContext.Default.ClientRegistrationResponse, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The permissions of a client of the authorization code flow (dynamic or pre-registered).</summary>
    public static void AddInteractivePermissions(OpenIddictApplicationDescriptor descriptor, string scope)
    {
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            Permissions.Prefixes.Scope + scope, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
        ]);
    }

    private static OAuthError? Check(ClientRegistrationRequest metadata, ClientRegistrationOptions policy)
    {
        if (metadata.RedirectUris is not { Count: > 0 and <= MaxRedirectUris } redirects)
        {
            return new("invalid_redirect_uri", $"redirect_uris must list 1 to {MaxRedirectUris} redirect URIs.");
        }

        foreach (var redirect in redirects)
        {
            if (RedirectUriRules.Check(redirect) is { } problem)
            {
                return new("invalid_redirect_uri", $"The redirect URI {problem}");
            }

            var host = new Uri(redirect).Host;
            if (policy.Policy == RegistrationPolicy.AllowedRedirectHosts
                && !policy.AllowedRedirectHosts.Any(allowed => string.Equals(allowed.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)))
            {
                return new("invalid_redirect_uri", $"Redirect host '{host}' is not allowed here; an administrator can add it to {AuthorizationServerOptions.SectionName}:Registration:AllowedRedirectHosts.");
            }
        }

        if (metadata.GrantTypes is { } grants && grants.Any(static g => g is not (GrantTypes.AuthorizationCode or GrantTypes.RefreshToken)))
        {
            return new("invalid_client_metadata", "Only the authorization_code and refresh_token grant types can be registered; machine clients are configured by an administrator.");
        }

        if (metadata.ResponseTypes is { } responses && responses.Any(static r => r != ResponseTypes.Code))
        {
            return new("invalid_client_metadata", "Only the 'code' response type is supported.");
        }

        if (metadata.TokenEndpointAuthMethod is { } method
            && method is not ("none" or ClientAuthenticationMethods.ClientSecretBasic or ClientAuthenticationMethods.ClientSecretPost))
        {
            return new("invalid_client_metadata", "token_endpoint_auth_method must be none, client_secret_basic or client_secret_post.");
        }

        return null;
    }

    private static bool HasInitialAccessToken(HttpRequest request, string expectedSha256)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 1024 + 7)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim()));
        return CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(expectedSha256));
    }

    private static string? Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var cleaned = new string([.. name.Where(static c => !char.IsControl(c))]).Trim();
        return cleaned.Length > MaxNameLength ? cleaned[..MaxNameLength] : cleaned;
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static IResult Error(ILogger logger, int status, string error, string description)
    {
        Log.RegistrationRefused(logger, error, description);
        return Results.Json(new OAuthError(error, description), AuthorizationJsonContext.Default.OAuthError, statusCode: status);
    }
}
