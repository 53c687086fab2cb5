using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GatewayClient;

/// <summary>
/// Connects to the gateway like any MCP client would (Streamable HTTP plus an API-key header), then
/// lists tools, calls a few, follows a tool's progress notifications, lists resources and prompts,
/// and ends the session. Usage: <c>--url http://127.0.0.1:5080/mcp --api-key KEY [--api-key-header x-api-key]</c>;
/// the key may also come from the environment variable GATEWAY_API_KEY.
/// </summary>
internal static class GatewayClientProgram
{
    public static async Task<int> Main(string[] args)
    {
        var url = Argument(args, "--url") ?? "http://127.0.0.1:5080/mcp";
        var apiKey = Argument(args, "--api-key") ?? Environment.GetEnvironmentVariable("GATEWAY_API_KEY");
        var header = Argument(args, "--api-key-header") ?? "x-api-key";
        if (string.IsNullOrEmpty(apiKey))
        {
            Console.Error.WriteLine("Pass --api-key KEY (or set GATEWAY_API_KEY): the key the sandbox printed.");
            return 2;
        }

        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(url),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { [header] = apiKey },
        });

        try
        {
            await using var client = await McpClient.CreateAsync(transport, cancellationToken: cancellation.Token);
            Console.WriteLine($"Connected to {client.ServerInfo?.Name} {client.ServerInfo?.Version} through {url}");

            var tools = await client.ListToolsAsync(cancellationToken: cancellation.Token);
            Console.WriteLine($"Tools: {string.Join(", ", tools.Select(static t => t.Name))}");

            await CallAsync(client, "getUserInfo", new Dictionary<string, object?>(), cancellation.Token);
            await CallAsync(client, "soqlQuery", new Dictionary<string, object?> { ["query"] = "SELECT Id, Name FROM Account LIMIT 3" }, cancellation.Token);

            var progress = new ConsoleProgress();
            Console.WriteLine("runLongReport:");
            var report = await client.CallToolAsync("runLongReport", new Dictionary<string, object?> { ["steps"] = 3 }, progress, cancellationToken: cancellation.Token);
            Console.WriteLine($"  {Text(report)}");

            var resources = await client.ListResourcesAsync(cancellationToken: cancellation.Token);
            Console.WriteLine($"Resources: {string.Join(", ", resources.Select(static r => r.Uri))}");
            var prompts = await client.ListPromptsAsync(cancellationToken: cancellation.Token);
            Console.WriteLine($"Prompts: {string.Join(", ", prompts.Select(static p => p.Name))}");
            return 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or McpException or OperationCanceledException)
        {
            Console.Error.WriteLine($"Failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        Console.WriteLine($"{tool}{(result.IsError == true ? " (tool error)" : "")}: {Text(result)}");
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    /// <summary>Prints each notification as it arrives (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class ConsoleProgress : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => Console.WriteLine($"  progress {value.Progress}/{value.Total}: {value.Message}");
    }

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
