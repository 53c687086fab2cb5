using System.Security.Cryptography;
using System.Text;
using Gateway.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

/// <summary>
/// <c>connect-salesforce</c>: the headless alternative to <c>/connect/salesforce</c> for a gateway whose
/// browser is elsewhere. It prints the authorize URL (PKCE S256 + state, as the route does), reads back
/// the URL the browser was redirected to (it may fail to load; only its query matters), exchanges the
/// code and stores the grant in the database the gateway uses, then exits.
/// </summary>
internal static class ConnectCommand
{
    public const string Name = "connect-salesforce";

    /// <summary>Runs the command when <paramref name="args"/> names it; otherwise returns false and the gateway starts.</summary>
    public static bool TryRun(WebApplication app, string[] args, out int exitCode)
    {
        if (args is not [Name, ..])
        {
            exitCode = 0;
            return false;
        }

        exitCode = RunAsync(app.Services, Console.In, Console.Out, CancellationToken.None).GetAwaiter().GetResult();
        return true;
    }

    public static async Task<int> RunAsync(IServiceProvider services, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<UpstreamCredentialOptions>>().Value;
        if (options.Mode != UpstreamCredentialMode.ServiceAccount)
        {
            await output.WriteLineAsync($"{Name} needs {UpstreamCredentialOptions.SectionName}:Mode=ServiceAccount (it is {options.Mode}).");
            return 2;
        }

        if (options.Connect.PublicBaseUrl is null)
        {
            await output.WriteLineAsync($"{Name} needs {UpstreamCredentialOptions.SectionName}:Connect:PublicBaseUrl: the callback URL registered on the External Client App is built from it.");
            return 2;
        }

        await using (var db = services.GetRequiredService<GatewayDatabase>().CreateContext())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        var client = services.GetRequiredService<SalesforceTokenClient>();
        var redirectUri = ConnectEndpoints.CallbackUrl(options, request: null);
        var (authorize, state, verifier) = client.CreateAuthorizeRequest(redirectUri);
        await output.WriteLineAsync($"""
            Open this URL in a browser, log in as the integration user and allow access:

              {authorize}

            The browser is then sent to {redirectUri}?code=… (the page may fail to load).
            Paste that whole URL here and press Enter:
            """);

        var pasted = (await input.ReadLineAsync(cancellationToken))?.Trim();
        if (!Uri.TryCreate(pasted, UriKind.Absolute, out var redirected))
        {
            await output.WriteLineAsync("That is not a URL; nothing was stored.");
            return 1;
        }

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(redirected.Query);
        if (query.TryGetValue("error", out var error))
        {
            await output.WriteLineAsync($"Salesforce refused: {error} {query.GetValueOrDefault("error_description")}. Nothing was stored.");
            return 1;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(query.GetValueOrDefault("state").ToString()), Encoding.UTF8.GetBytes(state)))
        {
            await output.WriteLineAsync("The URL's state does not match this attempt (a different or replayed login?). Nothing was stored.");
            return 1;
        }

        var tokens = await client.ExchangeCodeAsync(query.GetValueOrDefault("code").ToString(), verifier, redirectUri, cancellationToken);
        if (!tokens.Succeeded)
        {
            await output.WriteLineAsync($"Salesforce refused the code ({tokens.Describe()}). Nothing was stored.");
            return 1;
        }

        var connected = await services.GetRequiredService<OAuthUpstreamCredentialProvider>().StoreConnectedAsync(tokens, cancellationToken);
        await output.WriteLineAsync($"Connected: the gateway calls Salesforce as user {connected.UserId ?? "(unknown)"} of org {connected.OrganizationId ?? "(unknown)"}.");
        return 0;
    }
}
