using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SalesforceStandIn;

/// <summary>
/// The authority on OpenIddict: OpenIddict does the protocol, the tokens and the crypto; this class
/// only registers the clients, approves /authorize without a login page, and reshapes the token
/// response the way Salesforce's looks (reference/domain.md §2.1).
/// </summary>
internal static class StandInAuthorityExtensions
{
    public const string AuthorizePath = "/services/oauth2/authorize";
    public const string TokenPath = "/services/oauth2/token";
    public const string RevokePath = "/services/oauth2/revoke";
    public const string IntrospectPath = "/services/oauth2/introspect";

    private const string SubjectProperty = "stand-in:subject";

    private static readonly string[] s_scopes = ["api", "sfap_api", "refresh_token", "einstein_gpt_api", "offline_access", "mcp_api"];

    public static void AddStandInAuthority(this WebApplicationBuilder builder, StandInAuthorityOptions options)
    {
        var authority = new StandInAuthority { PublicClientId = options.PublicClientId };
        builder.Services.AddSingleton(authority);
        // A database per stand-in: two stand-ins in one process (tests) share nothing.
        var database = "stand-in-authority-" + Guid.NewGuid().ToString("N");
        builder.Services.AddDbContext<AuthorityDbContext>(db => db.UseInMemoryDatabase(database).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<AuthorityDbContext>())
            .AddCore(core => core.Configure(o => o.TimeProvider = options.TimeProvider))
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizePath[1..])
                    .SetTokenEndpointUris(TokenPath[1..])
                    .SetRevocationEndpointUris(RevokePath[1..])
                    .SetIntrospectionEndpointUris(IntrospectPath[1..]);
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();
                server.RegisterScopes(s_scopes);
                // A sandbox: keys live as long as the process. Salesforce signs with RS256; so does this.
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                // Salesforce's hosted MCP takes JWT access tokens whose claims anyone can read (exp).
                server.DisableAccessTokenEncryption();
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                if (!options.RefreshTokenRotation)
                {
                    server.DisableRollingRefreshTokens();
                }

                // Reuse detection: a redeemed refresh token presented again revokes the grant at once
                // (no grace period), as Salesforce does; off, a long grace lets replays through.
                server.SetRefreshTokenReuseLeeway(options.ReuseDetection ? TimeSpan.Zero : TimeSpan.FromDays(365));
                server.Configure(o => o.TimeProvider = options.TimeProvider);
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    // Loopback http only: the stand-in never leaves 127.0.0.1.
                    .DisableTransportSecurityRequirement();
                // Remember whom the tokens are for, so the response's identity URL can name that user.
                server.AddEventHandler<OpenIddictServerEvents.ProcessSignInContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        context.Transaction.Properties[SubjectProperty] = context.Principal?.GetClaim(Claims.Subject);
                        return default;
                    }));
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        ShapeLikeSalesforce(context, options, authority);
                        return default;
                    })
                    .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor.Order - 1));
                server.AddEventHandler<OpenIddictServerEvents.ApplyRevocationResponseContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.Error is null)
                        {
                            authority.Revoked();
                        }

                        return default;
                    })
                    .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<OpenIddictServerEvents.ApplyRevocationResponseContext>.Descriptor.Order - 1));
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
                // A revoked grant's access tokens stop working too (Salesforce revokes them with it).
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
                validation.Configure(o => o.TimeProvider = options.TimeProvider);
            });
        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddHostedService(services => new ClientRegistration(services, options));
        // One issuer whatever Host a caller uses (the gateway forwards with its own): the address Kestrel
        // bound. Options are built at the first request, after the port is known.
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IPostConfigureOptions<OpenIddictServerOptions>>(services =>
            new Microsoft.Extensions.Options.PostConfigureOptions<OpenIddictServerOptions>(null, server =>
                server.Issuer ??= new Uri(services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                    .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/")));
    }

    public static void MapStandInAuthority(this WebApplication app, StandInAuthorityOptions options)
    {
        app.Services.GetRequiredService<StandInAuthority>().Services = app.Services;
        app.MapGet(AuthorizePath, (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest()
                ?? throw new InvalidOperationException("Not an OpenIddict authorization request.");
            // The user login_hint names approves at once; otherwise the login page asks, or the sandbox's user approves.
            var all = options.Users.Prepend(options.User);
            var hinted = all.FirstOrDefault(u => string.Equals(u.Username, request.LoginHint, StringComparison.OrdinalIgnoreCase));
            if (hinted is null && options.LoginPage)
            {
                return LoginPage(context, request, all);
            }

            var user = hinted ?? options.User;
            return Results.SignIn(Principal(user, request.GetScopes()), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapPost(TokenPath, async (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest()
                ?? throw new InvalidOperationException("Not an OpenIddict token request.");
            if (request.IsClientCredentialsGrantType())
            {
                // Salesforce runs client credentials as the app's configured run-as user.
                return Results.SignIn(Principal(options.User, request.GetScopes()), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            }

            // Code and refresh grants: OpenIddict has validated the code or refresh token; sign its principal in again.
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return result.Principal is { } principal
                ? Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
                : Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
    }

    /// <summary>
    /// A login page in the manner of Salesforce's: pick a user, and the same authorization request is sent
    /// again with that user as <c>login_hint</c>. A plain GET form, no script.
    /// </summary>
    private static IResult LoginPage(HttpContext context, OpenIddictRequest request, IEnumerable<StandInUser> users)
    {
        static string Encode(string? value) => System.Text.Encodings.Web.HtmlEncoder.Default.Encode(value ?? "");
        var hidden = new System.Text.StringBuilder();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name == Parameters.LoginHint)
            {
                continue;
            }

            foreach (var item in (Microsoft.Extensions.Primitives.StringValues)value)
            {
                hidden.Append($"""<input type="hidden" name="{Encode(name)}" value="{Encode(item)}">""");
            }
        }

        var choices = string.Concat(users.Select(u => $"""<option value="{Encode(u.Username)}">{Encode(u.DisplayName)} ({Encode(u.Username)})</option>"""));
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        // form-action stays open: after the login, the authority redirects to the client's callback.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Log in to Salesforce (stand-in)</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 30rem; margin: 3rem auto">
            <h1>Log in to Salesforce (stand-in)</h1>
            <form method="get" action="{AuthorizePath}">{hidden}
            <label for="username">Username</label>
            <select id="username" name="login_hint">{choices}</select>
            <button type="submit" id="login">Log in</button>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static ClaimsPrincipal Principal(StandInUser user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.UserId)
            .SetClaim(Claims.Name, user.Username)
            .SetClaim("organization_id", user.OrganizationId);
        identity.SetScopes(scopes);
        identity.SetClaim("scp", string.Join(' ', scopes));
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Registers the two clients when the stand-in starts, before it serves a request.</summary>
    private sealed class ClientRegistration(IServiceProvider services, StandInAuthorityOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => RegisterClientsAsync(services, options);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static async Task RegisterClientsAsync(IServiceProvider services, StandInAuthorityOptions options)
    {
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var publicClient = new OpenIddictApplicationDescriptor
        {
            ClientId = options.PublicClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "MCP gateway (sandbox)",
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var redirect in options.RedirectUris)
        {
            publicClient.RedirectUris.Add(new Uri(redirect));
        }

        var confidentialClient = new OpenIddictApplicationDescriptor
        {
            ClientId = options.ConfidentialClientId,
            ClientSecret = options.ConfidentialClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "MCP gateway client credentials (sandbox)",
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var name in s_scopes)
        {
            publicClient.Permissions.Add(Permissions.Prefixes.Scope + name);
            confidentialClient.Permissions.Add(Permissions.Prefixes.Scope + name);
        }

        await applications.CreateAsync(publicClient);
        await applications.CreateAsync(confidentialClient);
    }

    /// <summary>Salesforce's token response: no expires_in, issued_at in ms, instance_url, id, signature; its error wording.</summary>
    private static void ShapeLikeSalesforce(OpenIddictServerEvents.ApplyTokenResponseContext context, StandInAuthorityOptions options, StandInAuthority authority)
    {
        var response = context.Response;
        var grantType = context.Request?.GrantType ?? "unknown";
        if (response.Error is { } error)
        {
            response.ErrorUri = null;
            if (error == Errors.InvalidGrant)
            {
                response.ErrorDescription = "expired access/refresh token";
            }

            authority.Answered(grantType, succeeded: false);
            return;
        }

        var issuer = context.Transaction.BaseUri?.AbsoluteUri.TrimEnd('/') ?? "";
        response.ExpiresIn = null;
        if (!options.RefreshTokenRotation && grantType == GrantTypes.RefreshToken)
        {
            response.RefreshToken = null;
        }

        response["issued_at"] = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        response["instance_url"] = issuer;
        // The identity URL names the user the tokens were issued to (client credentials: the run-as user).
        var user = options.FindUser(context.Transaction.Properties.TryGetValue(SubjectProperty, out var subject) ? subject as string : null) ?? options.User;
        response["id"] = $"{issuer}/id/{user.OrganizationId}/{user.UserId}";
        response["signature"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        authority.Answered(grantType, succeeded: true);
    }
}
