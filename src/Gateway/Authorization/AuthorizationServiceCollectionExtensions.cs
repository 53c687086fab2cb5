using Gateway.Hosting;
using Gateway.Inbound;
using Gateway.State;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gateway.Authorization;

public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// The gateway as its clients' authorization server, on OpenIddict (DESIGN.md "Credentials"): the
    /// protocol, tokens and crypto are OpenIddict's; this feature adds discovery, registration, the
    /// federated Salesforce login, consent, and the inbound validation of its tokens.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAuthorizationServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AuthorizationServerOptions, AuthorizationServerOptionsValidator>(AuthorizationServerOptions.SectionName);
        if (!builder.Configuration.GetValue<bool>($"{AuthorizationServerOptions.SectionName}:Enabled"))
        {
            return builder;
        }

        var services = builder.Services;
        services.TryAddSingleton<GatewayPublicUrls>();
        services.TryAddSingleton<SigningKeyStore>();
        services.TryAddSingleton<RegistrationLimiter>();
        services.TryAddSingleton<IIssuedTokenValidator, IssuedTokenValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ClientSeeder>());

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "gateway-csrf";
            antiforgery.FormFieldName = "csrf";
            antiforgery.SuppressXFrameOptionsHeader = false;
        });
        services.AddAuthentication().AddCookie(AuthorizationEndpoints.UserScheme, cookie =>
        {
            cookie.Cookie.Name = "gateway-user";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Lax: the cookie must come along on Salesforce's top-level redirect back to the gateway.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.Path = AuthorizationEndpoints.Prefix;
            cookie.SlidingExpiration = false;
            // Never redirect to a login page of its own: /oauth/authorize starts the Salesforce login itself.
            cookie.Events.OnRedirectToLogin = static context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(AuthorizationEndpoints.UserScheme)
            .Configure<IOptions<AuthorizationServerOptions>>(static (cookie, options) => cookie.ExpireTimeSpan = options.Value.SignInLifetime);

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<GatewayDbContext>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizationEndpoints.AuthorizePath[1..])
                    .SetTokenEndpointUris(AuthorizationEndpoints.TokenPath[1..])
                    .SetRevocationEndpointUris(AuthorizationEndpoints.RevokePath[1..])
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks")
                    // RFC 8414 §3 for an issuer without a path, and the OpenID path some clients try first.
                    .SetConfigurationEndpointUris(".well-known/oauth-authorization-server", ".well-known/openid-configuration");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    // TLS ends at the load balancer in front of the gateway; PublicBaseUrl (validated:
                    // https except on loopback) is what clients see.
                    .DisableTransportSecurityRequirement();
                server.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
                    .UseInlineHandler(static context =>
                    {
                        var services = context.Transaction.GetHttpRequest()!.HttpContext.RequestServices;
                        var options = services.GetRequiredService<IOptions<AuthorizationServerOptions>>().Value;
                        if (options.Registration.Policy != RegistrationPolicy.Closed)
                        {
                            context.Metadata["registration_endpoint"] = services.GetRequiredService<GatewayPublicUrls>().Url(AuthorizationEndpoints.RegisterPath);
                        }

                        return default;
                    }));
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerOptionsSetup>();
        services.AddSingleton<IConfigureOptions<OpenIddictValidationOptions>, ValidationOptionsSetup>();
        return builder;
    }
}

/// <summary>
/// The server options that depend on the database (keys) and the public URL (issuer, resource), read
/// once when OpenIddict first needs them, after start-up has migrated the database.
/// </summary>
internal sealed class ServerOptionsSetup(IOptions<AuthorizationServerOptions> options, GatewayPublicUrls urls, SigningKeyStore keys, TimeProvider time)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions server)
    {
        var value = options.Value;
        server.Issuer = new Uri(urls.BaseUrl + "/");
        server.SigningCredentials.Add(keys.LoadSigningCredentials());
        server.EncryptionCredentials.Add(keys.LoadEncryptionCredentials());
        server.AccessTokenLifetime = value.AccessTokenLifetime;
        server.RefreshTokenLifetime = value.RefreshTokenLifetime;
        server.AuthorizationCodeLifetime = value.AuthorizationCodeLifetime;
        server.TimeProvider = time;
        server.Scopes.Add(value.Scope);
        server.Scopes.Add(Scopes.OfflineAccess);

        // The one resource (RFC 8707) and audience tokens are issued for: the canonical MCP URL. A
        // request naming any other resource is refused with invalid_target.
        server.Resources.Add(new Uri(urls.ResourceUrl));
        server.Audiences.Add(urls.ResourceUrl);
        // Per-client resource and audience permissions would say the same as the registration above for
        // every client, and go stale if the public URL changed.
        server.IgnoreResourcePermissions = true;
        server.IgnoreAudiencePermissions = true;

        // S256 only: "plain" offers no protection against a stolen code (OAuth 2.1 §4.1.1; MCP
        // authorization: clients MUST use S256).
        server.CodeChallengeMethods.Clear();
        server.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
    }
}

internal sealed class ValidationOptionsSetup(IOptions<AuthorizationServerOptions> options, GatewayPublicUrls urls, TimeProvider time)
    : IConfigureOptions<OpenIddictValidationOptions>
{
    public void Configure(OpenIddictValidationOptions validation)
    {
        // MCP authorization, "Token Handling": tokens MUST have been issued for this server as audience.
        validation.Audiences.Add(urls.ResourceUrl);
        validation.EnableTokenEntryValidation = options.Value.ValidateTokenEntries;
        validation.EnableAuthorizationEntryValidation = options.Value.ValidateTokenEntries;
        validation.TimeProvider = time;
    }
}
