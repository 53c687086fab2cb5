using System.Text;
using Microsoft.AspNetCore.Authentication;
using System.Text.Json.Nodes;
using ModelContextProtocol.AspNetCore;

namespace SalesforceStandIn;

/// <summary>
/// Builds the stand-in: an MCP C# SDK server over Streamable HTTP that behaves like Salesforce's hosted
/// MCP where the gateway can tell: bearer tokens required (401 with Salesforce's REST error body),
/// 404 "Server definition not found" for any other server path, sObject-style tools over in-memory
/// records, tool failures as <c>isError</c> results, progress notifications, resources and prompts.
/// </summary>
public static class StandInServer
{
    internal const string UserItem = "SalesforceStandIn.User";

    private const string ServersPrefix = "/platform/mcp";

    /// <summary>Builds a stand-in; call <c>StartAsync</c> on it, then <see cref="GetMcpEndpoint"/>.</summary>
    public static WebApplication Create(StandInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var builder = WebApplication.CreateSlimBuilder();
        // Hosted inside another process (the sandbox, the tests): read none of its configuration
        // (appsettings.json, environment variables such as Kestrel__Endpoints), only what is set here.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<SObjectStore>();
        if (options.Authority.Enabled)
        {
            builder.AddStandInAuthority(options.Authority);
        }

        var mcp = builder.Services.AddMcpServer(server => server.ServerInfo = new() { Name = "salesforce-stand-in", Version = "1.0.0" })
            // Salesforce hands out Mcp-Session-Id on initialize; 2026-07-28 clients get the stateless path.
            .WithHttpTransport(transport => transport.SessionMode = options.Stateless ? HttpServerSessionMode.Stateless : HttpServerSessionMode.StatefulForInitializeClients)
            .WithTools<SalesforceTools>()
            .WithResources<SalesforceResources>()
            // Every record is also listed as a concrete resource; the SDK adds the attributed ones after these.
            .WithListResourcesHandler(SalesforceResources.ListRecordsAsync)
            .WithPrompts<SalesforcePrompts>();
        if (options.EnableResumability && !options.Stateless)
        {
            builder.Services.AddDistributedMemoryCache();
#pragma warning disable MCP9006 // Resumability belongs to the session eras the stand-in imitates on purpose.
            mcp.WithDistributedCacheEventStreamStore();
#pragma warning restore MCP9006
        }

        var app = builder.Build();
        if (options.Authority.Enabled)
        {
            app.MapStandInAuthority(options.Authority);
        }

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments(ServersPrefix, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            if (!path.Equals(options.McpPath, StringComparison.Ordinal))
            {
                await WriteJsonAsync(context, StatusCodes.Status404NotFound, ServerNotFound(path));
                return;
            }

            if (!TryAuthenticate(context.Request, options, out var user)
                && !(options.Authority.Enabled && (user = await AuthenticateJwtAsync(context, options.Authority)) is not null))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await WriteJsonAsync(context, StatusCodes.Status401Unauthorized, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""");
                return;
            }

            context.Items[UserItem] = user;
            await next(context);
        });
        app.MapMcp(options.McpPath);
        return app;
    }

    /// <summary>The full MCP URL of a started stand-in (Kestrel has replaced port 0 with the bound port by then).</summary>
    public static Uri GetMcpEndpoint(this WebApplication app, StandInOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);

        var address = new Uri(app.Urls.First());
        if (address.Port == 0)
        {
            throw new InvalidOperationException("The stand-in is not listening yet; call StartAsync first.");
        }

        return new Uri(address, options.McpPath);
    }

    /// <summary>An access token of the stand-in's own authority: a valid JWT, not expired by its clock, not revoked.</summary>
    private static async Task<StandInUser?> AuthenticateJwtAsync(HttpContext context, StandInAuthorityOptions authority)
    {
        var result = await context.AuthenticateAsync(OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        return result.Succeeded ? authority.FindUser(result.Principal.FindFirst(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject)?.Value) : null;
    }

    /// <summary>The authority's base URL of a started stand-in: its OAuth endpoints are under <c>/services/oauth2/</c>.</summary>
    public static Uri GetAuthorityBaseUri(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = new Uri(app.Urls.First());
        return address.Port == 0 ? throw new InvalidOperationException("The stand-in is not listening yet; call StartAsync first.") : new Uri(address.GetLeftPart(UriPartial.Authority));
    }

    private static bool TryAuthenticate(HttpRequest request, StandInOptions options, out StandInUser? user)
    {
        const string Scheme = "Bearer ";
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && options.AcceptedTokens.TryGetValue(authorization[Scheme.Length..].Trim(), out user))
        {
            return true;
        }

        user = null;
        return false;
    }

    /// <summary>
    /// Salesforce names only the server in this answer, e.g. <c>…/v1/platform/metadata-experts</c> gives
    /// "Server definition not found for: metadata-experts" (forcedotcom/mcp-hosted issues 9 and 57).
    /// </summary>
    private static string ServerNotFound(PathString path)
    {
        var rest = path.Value![ServersPrefix.Length..];
        var name = rest.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var error = new JsonObject { ["code"] = 404, ["message"] = "Server definition not found for: " + name };
        return new JsonObject { ["error"] = error }.ToJsonString();
    }

    private static Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }
}
