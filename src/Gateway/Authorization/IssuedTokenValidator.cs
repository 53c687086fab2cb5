using Gateway.Inbound;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gateway.Authorization;

/// <summary>
/// The inbound mode <c>oauth</c>: OpenIddict's validation checks signature, issuer, audience (the
/// canonical MCP URL), lifetime and, when configured, that the token and its authorization are not
/// revoked; this adds the scope check and turns the claims into a <see cref="GatewayPrincipal"/>.
/// </summary>
internal sealed class IssuedTokenValidator(GatewayPublicUrls urls, IOptions<AuthorizationServerOptions> options) : IIssuedTokenValidator
{
    private readonly string _scope = options.Value.Scope;

    public async ValueTask<IssuedTokenValidation> ValidateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            // OpenIddict's descriptions are fixed sentences about the token, never its content.
            var description = result.Properties?.GetString(OpenIddictValidationAspNetCoreConstants.Properties.ErrorDescription);
            return new IssuedTokenValidation(null, Errors.InvalidToken, description ?? "The access token is not valid for this MCP server.");
        }

        if (!principal.HasScope(_scope))
        {
            return new IssuedTokenValidation(null, Errors.InsufficientScope, $"The access token lacks the '{_scope}' scope.");
        }

        var subject = principal.GetClaim(Claims.Subject) ?? "unknown";
        return new IssuedTokenValidation(new GatewayPrincipal(subject, InboundCredentialKind.OAuth)
        {
            ClientId = principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault(),
            UpstreamGrantId = principal.GetClaim(AuthorizationEndpoints.GrantClaim),
        }, null, null);
    }

    public string Challenge(HttpRequest request, string? errorCode) => errorCode is null
        ? $"Bearer resource_metadata=\"{urls.ResourceMetadataUrl}\", scope=\"{_scope}\""
        : $"Bearer resource_metadata=\"{urls.ResourceMetadataUrl}\", scope=\"{_scope}\", error=\"{errorCode}\"";
}
