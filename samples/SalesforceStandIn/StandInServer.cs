using System.Text;
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

    public static WebApplication Create(StandInOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<SObjectStore>();

        var mcp = builder.Services.AddMcpServer(server => server.ServerInfo = new() { Name = "salesforce-stand-in", Version = "1.0.0" })
            // Salesforce hands out Mcp-Session-Id on initialize; 2026-07-28 clients get the stateless path.
            .WithHttpTransport(transport => transport.SessionMode = options.Stateless ? HttpServerSessionMode.Stateless : HttpServerSessionMode.StatefulForInitializeClients)
            .WithTools<SalesforceTools>()
            .WithResources<SalesforceResources>()
            .WithPrompts<SalesforcePrompts>();
        if (options.EnableResumability && !options.Stateless)
        {
            builder.Services.AddDistributedMemoryCache();
#pragma warning disable MCP9006 // Resumability belongs to the session eras the stand-in imitates on purpose.
            mcp.WithDistributedCacheEventStreamStore();
#pragma warning restore MCP9006
        }

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments("/platform/mcp", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            if (!path.Equals(options.McpPath, StringComparison.Ordinal))
            {
                // Salesforce's answer for a wrong or inactive server (forcedotcom/mcp-hosted#9).
                var name = path.Value!["/platform/mcp/v1/".Length..];
                await WriteJsonAsync(context, StatusCodes.Status404NotFound,
                    "{\"error\":{\"code\":404,\"message\":\"Server definition not found for: " + name + "\"}}");
                return;
            }

            var authorization = context.Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)
                || !options.AcceptedTokens.TryGetValue(authorization["Bearer ".Length..], out var user))
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

    /// <summary>The full MCP URL of a started stand-in.</summary>
    public static Uri GetMcpEndpoint(this WebApplication app, StandInOptions options) =>
        new(app.Urls.First().TrimEnd('/') + options.McpPath);

    private static Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }
}
