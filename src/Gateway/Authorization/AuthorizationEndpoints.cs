using System.Collections.Immutable;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Gateway.Credentials;
using Gateway.State;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gateway.Authorization;

/// <summary>
/// The routes of the gateway's authorization server. OpenIddict validates every authorization and token
/// request (client, redirect URI, PKCE S256, code replay, refresh rotation, resource) before these
/// handlers run; they decide who the user is (federated to Salesforce), ask for consent, and say what
/// the issued tokens carry.
/// </summary>
internal static class AuthorizationEndpoints
{
    public const string Prefix = "/oauth";
    public const string AuthorizePath = Prefix + "/authorize";
    public const string TokenPath = Prefix + "/token";
    public const string RevokePath = Prefix + "/revoke";
    public const string RegisterPath = Prefix + "/register";
    public const string SignInCallbackPath = Prefix + "/salesforce/callback";

    /// <summary>The cookie scheme that remembers, for a few minutes, which Salesforce user signed in.</summary>
    public const string UserScheme = "Gateway.User";

    /// <summary>The access-token claim naming the user grant whose Salesforce token runs the calls.</summary>
    public const string GrantClaim = "gateway_grant";

    private const string SignInCookie = "gateway-signin";
    private const string SignInPurpose = "Gateway.Authorization.SignIn.v1";
    private const string DecisionParameter = "decision";
    private static readonly TimeSpan s_signInFlowLifetime = TimeSpan.FromMinutes(10);

    public static IEndpointRouteBuilder MapGatewayAuthorization(this IEndpointRouteBuilder endpoints, string mcpPath)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<AuthorizationServerOptions>>().Value;
        if (!options.Enabled)
        {
            return endpoints;
        }

        endpoints.MapGet(GatewayPublicUrls.ProtectedResourceMetadataPath, ProtectedResourceMetadata);
        endpoints.MapGet(GatewayPublicUrls.ProtectedResourceMetadataPath + mcpPath, ProtectedResourceMetadata);
        endpoints.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        endpoints.MapPost(TokenPath, TokenAsync);
        endpoints.MapGet(SignInCallbackPath, SignInCallbackAsync);
        if (options.Registration.Policy != RegistrationPolicy.Closed)
        {
            endpoints.MapPost(RegisterPath, ClientRegistrationEndpoint.RegisterAsync);
        }

        return endpoints;
    }

    /// <summary>RFC 9728 §3: where clients learn which authorization server issues tokens for the MCP URL.</summary>
    private static IResult ProtectedResourceMetadata([FromServices] GatewayPublicUrls urls, [FromServices] IOptions<AuthorizationServerOptions> options) =>
        Results.Json(new ProtectedResourceMetadata(urls.ResourceUrl, [urls.BaseUrl + "/"], [options.Value.Scope, Scopes.OfflineAccess], ["header"], "MCP gateway for Salesforce"),
            AuthorizationJsonContext.Default.ProtectedResourceMetadata);

    private static async Task<IResult> AuthorizeAsync(HttpContext context, [FromServices] IOpenIddictApplicationManager applications,
        [FromServices] IOpenIddictAuthorizationManager authorizations, [FromServices] IAntiforgery antiforgery, [FromServices] SalesforceTokenClient salesforce,
        [FromServices] IDataProtectionProvider dataProtection, [FromServices] GatewayPublicUrls urls, [FromServices] IOptions<AuthorizationServerOptions> options,
        [FromServices] GatewayDatabase database, [FromServices] ILoggerFactory loggers)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict authorization request.");
        var signedIn = await context.AuthenticateAsync(UserScheme);
        // A user whose Salesforce grant is gone (revoked since they signed in) goes through Salesforce again.
        if (signedIn.Principal is not { } user
            || (request.HasPromptValue(PromptValues.Login) && !HttpMethods.IsPost(context.Request.Method))
            || !await UserGrantUsableAsync(database, user.FindFirstValue(GrantClaim), context.RequestAborted))
        {
            return request.HasPromptValue(PromptValues.None)
                ? Refuse(Errors.LoginRequired, "The user is not signed in.")
                : StartSalesforceSignIn(context, request, salesforce, dataProtection, urls);
        }

        var logger = loggers.CreateLogger(typeof(AuthorizationEndpoints));
        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict let an unknown client through.");
        var applicationId = await applications.GetIdAsync(application, context.RequestAborted) ?? "";
        var subject = user.FindFirstValue(Claims.Subject)!;
        var grant = user.FindFirstValue(GrantClaim);
        var scopes = GrantedScopes(options.Value.Scope, interactive: true);
        object? remembered = null;
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, context.RequestAborted))
        {
            remembered = authorization;
            break;
        }

        // The antiforgery token is bound to the signed-in user (ASP.NET Core antiforgery's claim check).
        context.User = user;
        if (HttpMethods.IsPost(context.Request.Method) && request[DecisionParameter]?.ToString() is { } decision)
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Pages.Message(context, StatusCodes.Status400BadRequest, "This consent form has expired",
                    "The form was not sent from this gateway's consent page, or it is too old. Start the connection again from your MCP client.");
            }

            if (decision != "allow")
            {
                Log.ConsentAnswered(logger, subject, "denied", request.ClientId!);
                return Refuse(Errors.AccessDenied, "The user denied the client access.");
            }

            var identity = IssuedIdentity(subject, grant, scopes, urls.ResourceUrl);
            remembered ??= await authorizations.CreateAsync(identity, subject, applicationId, AuthorizationTypes.Permanent, scopes, context.RequestAborted);
            Log.ConsentAnswered(logger, subject, "allowed", request.ClientId!);
            return await SignInAsync(identity, remembered, authorizations, context.RequestAborted);
        }

        if (remembered is not null && !request.HasPromptValue(PromptValues.Consent))
        {
            return await SignInAsync(IssuedIdentity(subject, grant, scopes, urls.ResourceUrl), remembered, authorizations, context.RequestAborted);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not consented to this client yet.");
        }

        var name = await applications.GetDisplayNameAsync(application, context.RequestAborted);
        return ConsentPage.Render(context, request, name, subject, antiforgery.GetAndStoreTokens(context), scopes);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, [FromServices] GatewayDatabase database, [FromServices] GatewayPublicUrls urls,
        [FromServices] IOptions<AuthorizationServerOptions> options, [FromServices] ILoggerFactory loggers)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict token request.");
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has authenticated the client and checked its permission for this grant. A machine
            // client's calls run as the gateway's own Salesforce credential (no user grant claim).
            var machine = IssuedIdentity(request.ClientId!, grant: null, GrantedScopes(options.Value.Scope, interactive: false), urls.ResourceUrl);
            return Results.SignIn(new ClaimsPrincipal(machine), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        // Code and refresh grants: OpenIddict has validated the code (PKCE, redirect URI, single use) or the
        // refresh token (rotation, reuse detection); the principal is the one issued with it.
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            return Refuse(Errors.InvalidGrant, "The authorization code or refresh token is no longer valid.");
        }

        if (principal.GetClaim(GrantClaim) is { } grant)
        {
            // A user whose Salesforce grant was revoked (or disconnected) must sign in again: a refresh
            // would only hand the client a token the proxy cannot use.
            if (!await UserGrantUsableAsync(database, grant, context.RequestAborted))
            {
                Log.UserGrantGone(loggers.CreateLogger(typeof(AuthorizationEndpoints)), principal.GetClaim(Claims.Subject) ?? "unknown", grant);
                return Refuse(Errors.InvalidGrant, "The user's Salesforce authorization is no longer valid; sign in again.");
            }
        }

        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Salesforce's redirect back after the user's login: checks <c>state</c> against the sealed cookie,
    /// exchanges the code (PKCE), stores that user's grant, signs the user in for a few minutes and
    /// resumes the client's authorization request.
    /// </summary>
    private static async Task<IResult> SignInCallbackAsync(HttpContext context, [FromServices] SalesforceTokenClient salesforce, [FromServices] UserGrants userGrants,
        [FromServices] IDataProtectionProvider dataProtection, [FromServices] GatewayPublicUrls urls, [FromServices] ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AuthorizationEndpoints));
        var query = context.Request.Query;
        context.Response.Cookies.Delete(SignInCookie, new CookieOptions { Path = SignInCallbackPath });
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            Log.SignInFailed(logger, $"Salesforce answered {error}");
            return Pages.Message(context, StatusCodes.Status400BadRequest, "Salesforce did not sign you in",
                $"{error}: {query["error_description"]}. Start the connection again from your MCP client.");
        }

        if (!TryOpenFlow(context, dataProtection, out var expectedState, out var verifier, out var returnTo)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(query["state"].ToString()), Encoding.UTF8.GetBytes(expectedState))
            || query["code"].ToString() is not { Length: > 0 } code)
        {
            Log.SignInFailed(logger, "the callback's state did not match this browser's sign-in, or it expired");
            return Pages.Message(context, StatusCodes.Status400BadRequest, "Sign-in expired",
                "This sign-in is unknown, expired, or belongs to another browser. Start the connection again from your MCP client.");
        }

        var tokens = await salesforce.ExchangeCodeAsync(code, verifier, urls.Url(SignInCallbackPath), context.RequestAborted);
        var (organizationId, userId) = SalesforceIdentity.Parse(tokens.IdentityUrl);
        if (!tokens.Succeeded || organizationId is null || userId is null)
        {
            var reason = tokens.Succeeded ? "Salesforce's token response named no user (no identity URL)" : tokens.Describe();
            Log.SignInFailed(logger, reason);
            return Pages.Message(context, tokens.Outcome == TokenOutcome.Transient ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest,
                "Salesforce sign-in failed", reason + ".");
        }

        var grantId = UserGrants.GrantIdFor(organizationId, userId);
        await userGrants.For(grantId).StoreConnectedAsync(tokens, context.RequestAborted);
        var subject = $"{organizationId}:{userId}";
        var identity = new ClaimsIdentity(UserScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, subject));
        identity.AddClaim(new Claim(GrantClaim, grantId));
        await context.SignInAsync(UserScheme, new ClaimsPrincipal(identity));
        Log.UserSignedIn(logger, subject, grantId);
        return Results.Redirect(returnTo);
    }

    /// <summary>Whether the user's Salesforce grant is stored and not flagged by an invalid_grant.</summary>
    private static async Task<bool> UserGrantUsableAsync(GatewayDatabase database, string? grant, CancellationToken cancellationToken)
    {
        if (grant is null)
        {
            return false;
        }

        await using var db = database.CreateContext();
        return await db.UpstreamGrants.AnyAsync(g => g.Id == grant && g.ReconnectReason == null, cancellationToken);
    }

    private static IResult StartSalesforceSignIn(HttpContext context, OpenIddictRequest request, SalesforceTokenClient salesforce,
        IDataProtectionProvider dataProtection, GatewayPublicUrls urls)
    {
        // A client's login_hint (OpenID Connect Core §3.1.2.1) preselects the Salesforce account.
        var (url, state, verifier) = salesforce.CreateAuthorizeRequest(urls.Url(SignInCallbackPath), request.LoginHint);
        // Resume the same authorization request afterwards, rebuilt from its validated parameters.
        var resume = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is DecisionParameter or "csrf" or Parameters.Prompt)
            {
                continue;
            }

            foreach (var item in (StringValues)value)
            {
                resume.Add(KeyValuePair.Create(name, item));
            }
        }

        var returnTo = QueryHelpers.AddQueryString(AuthorizePath, resume);
        var flow = Protector(dataProtection).Protect(string.Join('\n', state, verifier, returnTo), s_signInFlowLifetime);
        context.Response.Cookies.Append(SignInCookie, flow, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = SignInCallbackPath,
            MaxAge = s_signInFlowLifetime,
        });
        return Results.Redirect(url);
    }

    private static bool TryOpenFlow(HttpContext context, IDataProtectionProvider dataProtection, out string state, out string verifier, out string returnTo)
    {
        state = verifier = returnTo = "";
        if (context.Request.Cookies[SignInCookie] is not { Length: > 0 } cookie)
        {
            return false;
        }

        try
        {
            var parts = Protector(dataProtection).Unprotect(cookie).Split('\n');
            // Only ever back to this gateway's authorize route: never an open redirect.
            if (parts.Length != 3 || !parts[2].StartsWith(AuthorizePath + "?", StringComparison.Ordinal))
            {
                return false;
            }

            (state, verifier, returnTo) = (parts[0], parts[1], parts[2]);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider dataProtection) =>
        dataProtection.CreateProtector(SignInPurpose).ToTimeLimitedDataProtector();

    /// <summary>The scopes granted: the MCP scope always, refresh (offline_access) for interactive clients.</summary>
    private static ImmutableArray<string> GrantedScopes(string scope, bool interactive) =>
        interactive ? [scope, Scopes.OfflineAccess] : [scope];

    private static ClaimsIdentity IssuedIdentity(string subject, string? grant, ImmutableArray<string> scopes, string resource)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject);
        if (grant is not null)
        {
            identity.SetClaim(GrantClaim, grant);
        }

        identity.SetScopes(scopes);
        // RFC 8707: the token is for the canonical MCP URL and nothing else.
        identity.SetResources(resource);
        identity.SetAudiences(resource);
        // Only the access token carries claims; there are no identity tokens (no openid scope).
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return identity;
    }

    private static async Task<IResult> SignInAsync(ClaimsIdentity identity, object authorization, IOpenIddictAuthorizationManager authorizations, CancellationToken cancellationToken)
    {
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, cancellationToken));
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>An OAuth error OpenIddict sends back the protocol's way (redirect to the client, or a JSON error).</summary>
    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
