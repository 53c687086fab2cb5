using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gateway.Authorization;

/// <summary>
/// The consent page (MCP authorization, "Confused Deputy Problem": a proxy with a static upstream client
/// id MUST obtain the user's consent for each dynamically registered client): who asks, where the
/// answer goes, what it may do, and as whom. One form, two buttons, no script.
/// </summary>
internal static class ConsentPage
{
    public static IResult Render(HttpContext context, OpenIddictRequest request, string? clientName, string subject,
        AntiforgeryTokenSet csrf, ImmutableArray<string> scopes)
    {
        var redirect = Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var uri) ? uri : null;
        var name = string.IsNullOrWhiteSpace(clientName) ? request.ClientId : clientName;
        var hidden = new StringBuilder();
        foreach (var (parameter, value) in request.GetParameters())
        {
            if (parameter is "decision" or "csrf")
            {
                continue;
            }

            foreach (var item in (StringValues)value)
            {
                hidden.Append($"""<input type="hidden" name="{Pages.Encode(parameter)}" value="{Pages.Encode(item)}">""");
            }
        }

        var permissions = new StringBuilder();
        foreach (var scope in scopes)
        {
            permissions.Append("<li>").Append(Pages.Encode(scope == Scopes.OfflineAccess
                ? "Stay connected: refresh its access without asking you again, until you revoke it."
                : "Use the Salesforce MCP tools, resources and prompts through this gateway, with your Salesforce permissions.")).Append("</li>");
        }

        var user = subject.Split(':');
        Pages.Secure(context, redirect is null ? "'self'" : $"'self' {redirect.GetLeftPart(UriPartial.Authority)}");
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Allow {Pages.Encode(name)}? · MCP gateway</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"><style>{Pages.Style}</style></head>
            <body><main>
            <h1 id="title">Allow <span id="client-name">{Pages.Encode(name)}</span> to use Salesforce as you?</h1>
            <dl>
              <dt>Application</dt><dd>{Pages.Encode(name)} (client id <code>{Pages.Encode(request.ClientId)}</code>)</dd>
              <dt>Sends you back to</dt><dd id="redirect-host">{Pages.Encode(redirect?.Host ?? request.RedirectUri)}</dd>
              <dt>Signed in to Salesforce as</dt><dd>user <code>{Pages.Encode(user.Length == 2 ? user[1] : subject)}</code> of org <code>{Pages.Encode(user.Length == 2 ? user[0] : "")}</code></dd>
              <dt>It will be able to</dt><dd><ul>{permissions}</ul></dd>
            </dl>
            <p>Only allow applications you trust. You can revoke access later (README "Revoking access").</p>
            <form method="post" action="{AuthorizationEndpoints.AuthorizePath}" aria-labelledby="title">
            {hidden}<input type="hidden" name="csrf" value="{Pages.Encode(csrf.RequestToken)}">
            <div class="actions">
              <button type="submit" name="decision" value="allow" class="primary" id="allow">Allow</button>
              <button type="submit" name="decision" value="deny" id="deny">Deny</button>
            </div>
            </form>
            </main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
    }
}
