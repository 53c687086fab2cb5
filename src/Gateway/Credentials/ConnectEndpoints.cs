using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

/// <summary>
/// The operator routes of the <c>ServiceAccount</c> mode: <c>GET /connect/salesforce</c> sends the browser to
/// Salesforce's authorize endpoint (authorization code + PKCE S256 + <c>state</c>, RFC 7636, RFC 6749 §10.12);
/// the callback checks <c>state</c> against a sealed cookie, exchanges the code and stores the grant;
/// <c>POST /connect/salesforce/disconnect</c> revokes and deletes it.
/// </summary>
internal static class ConnectEndpoints
{
    public const string ConnectPath = "/connect/salesforce";
    public const string CallbackPath = ConnectPath + "/callback";
    public const string DisconnectPath = ConnectPath + "/disconnect";

    private const string CookieName = "gateway_connect";
    private const string ProtectorPurpose = "Gateway.Credentials.Connect.v1";
    private static readonly TimeSpan s_flowLifetime = TimeSpan.FromMinutes(10);

    public static IEndpointRouteBuilder MapGatewayConnect(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<UpstreamCredentialOptions>>().Value;
        if (options.Mode != UpstreamCredentialMode.ServiceAccount)
        {
            return endpoints;
        }

        endpoints.MapGet(ConnectPath, Connect);
        endpoints.MapGet(CallbackPath, CallbackAsync);
        endpoints.MapPost(DisconnectPath, DisconnectAsync);
        return endpoints;
    }

    /// <summary>The redirect URI to register on the External Client App.</summary>
    public static string CallbackUrl(UpstreamCredentialOptions options, HttpRequest? request) =>
        (options.Connect.PublicBaseUrl?.TrimEnd('/') ?? (request is null ? "{scheme}://{host}" : $"{request.Scheme}://{request.Host}")) + CallbackPath;

    private static IResult Connect(HttpContext context, ConnectAccessGuard guard, SalesforceTokenClient client,
        IDataProtectionProvider dataProtection, IOptions<UpstreamCredentialOptions> options)
    {
        if (guard.Check(context, stateChanging: false) is { } denied)
        {
            return denied;
        }

        var redirectUri = CallbackUrl(options.Value, context.Request);
        // ?login_hint= preselects the Salesforce account to connect (e.g. the integration user).
        var loginHint = context.Request.Query["login_hint"].ToString() is { Length: > 0 and <= 256 } hint ? hint : null;
        var (authorize, state, verifier) = client.CreateAuthorizeRequest(redirectUri, loginHint);
        var flow = Protector(dataProtection).Protect(string.Join('\n', state, verifier, redirectUri), s_flowLifetime);
        context.Response.Cookies.Append(CookieName, flow, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            // Lax: the cookie must come back on Salesforce's top-level redirect to the callback.
            SameSite = SameSiteMode.Lax,
            Path = ConnectPath,
            MaxAge = s_flowLifetime,
        });
        return Results.Redirect(authorize);
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, ConnectAccessGuard guard, SalesforceTokenClient client,
        IDataProtectionProvider dataProtection, OAuthUpstreamCredentialProvider credentials, ILoggerFactory loggers)
    {
        if (guard.Check(context, stateChanging: false) is { } denied)
        {
            return denied;
        }

        var logger = loggers.CreateLogger(typeof(ConnectEndpoints));
        var query = context.Request.Query;
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = ConnectPath });
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            // Salesforce reports authorize-time errors on the redirect (reference/domain.md §2.4).
            return Page(context, logger, StatusCodes.Status400BadRequest, "Salesforce refused the connection",
                $"{error}: {query["error_description"]}. Check the External Client App's callback URL, scopes and PKCE setting.");
        }

        if (!TryOpenFlow(context, dataProtection, out var expectedState, out var verifier, out var redirectUri))
        {
            return Page(context, logger, StatusCodes.Status400BadRequest, "Connection expired",
                $"The connect attempt is unknown or older than {s_flowLifetime.TotalMinutes:0} minutes. Start again at {ConnectPath}.");
        }

        var state = query["state"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(expectedState)))
        {
            return Page(context, logger, StatusCodes.Status400BadRequest, "State mismatch", $"The callback does not belong to this browser's connect attempt. Start again at {ConnectPath}.");
        }

        if (query["code"].ToString() is not { Length: > 0 } code)
        {
            return Page(context, logger, StatusCodes.Status400BadRequest, "No authorization code", "Salesforce's redirect carried no code.");
        }

        var tokens = await client.ExchangeCodeAsync(code, verifier, redirectUri, context.RequestAborted);
        if (!tokens.Succeeded)
        {
            return Page(context, logger, tokens.Outcome == TokenOutcome.Transient ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest,
                "Salesforce refused the code", tokens.Describe() + ".");
        }

        var connected = await credentials.StoreConnectedAsync(tokens, context.RequestAborted);
        return Page(context, null, StatusCodes.Status200OK, "Connected",
            $"The gateway now calls Salesforce as user {connected.UserId ?? "(unknown)"} of org {connected.OrganizationId ?? "(unknown)"}; the token expires at {connected.ExpiresAt:O} and is refreshed ahead of time.");
    }

    private static async Task<IResult> DisconnectAsync(HttpContext context, ConnectAccessGuard guard, OAuthUpstreamCredentialProvider credentials)
    {
        if (guard.Check(context, stateChanging: true) is { } denied)
        {
            return denied;
        }

        var result = await credentials.DisconnectAsync(context.RequestAborted);
        return result.Outcome switch
        {
            TokenOutcome.Succeeded => Results.Json(new DisconnectResponse("disconnected", "The grant was revoked at Salesforce and deleted."), CredentialsJsonContext.Default.DisconnectResponse),
            TokenOutcome.Transient => Results.Json(new DisconnectResponse("kept", $"Salesforce could not be reached to revoke the grant ({result.Describe()}); it is kept, try again."),
                CredentialsJsonContext.Default.DisconnectResponse, statusCode: StatusCodes.Status502BadGateway),
            _ when result.Error == "not_connected" => Results.Json(new DisconnectResponse("not_connected", "No grant is stored."), CredentialsJsonContext.Default.DisconnectResponse, statusCode: StatusCodes.Status404NotFound),
            _ => Results.Json(new DisconnectResponse("disconnected", $"Salesforce no longer knew the grant ({result.Describe()}); it was deleted."), CredentialsJsonContext.Default.DisconnectResponse),
        };
    }

    private static bool TryOpenFlow(HttpContext context, IDataProtectionProvider dataProtection, out string state, out string verifier, out string redirectUri)
    {
        state = verifier = redirectUri = "";
        if (context.Request.Cookies[CookieName] is not { Length: > 0 } cookie)
        {
            return false;
        }

        try
        {
            var parts = Protector(dataProtection).Unprotect(cookie).Split('\n');
            if (parts.Length != 3)
            {
                return false;
            }

            (state, verifier, redirectUri) = (parts[0], parts[1], parts[2]);
            return true;
        }
        catch (CryptographicException)
        {
            return false; // Expired, tampered with, or sealed by a key ring this gateway does not share.
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider dataProtection) =>
        dataProtection.CreateProtector(ProtectorPurpose).ToTimeLimitedDataProtector();

    private static IResult Page(HttpContext context, ILogger? logger, int status, string title, string message)
    {
        // An operator page: never cached (it follows a code exchange), never framed, no script at all.
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (logger is not null)
        {
            Log.ConnectFailed(logger, $"{title}: {message}");
        }

        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{HtmlEncoder.Default.Encode(title)} · MCP gateway</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
            <h1>{HtmlEncoder.Default.Encode(title)}</h1><p>{HtmlEncoder.Default.Encode(message)}</p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}

internal sealed record DisconnectResponse(string Status, string Message);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DisconnectResponse))]
internal sealed partial class CredentialsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
