using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace GatewayClient;

/// <summary>
/// Connects to the gateway like any MCP client would (Streamable HTTP plus an API-key header), then
/// lists tools, calls a few, follows a tool's progress notifications, lists resources and prompts,
/// and ends the session. Usage: <c>--url http://127.0.0.1:5080/mcp --api-key KEY [--api-key-header x-api-key]
/// [--protocol-version 2025-11-25]</c>; the key may also come from the environment variable GATEWAY_API_KEY.
/// Without <c>--protocol-version</c> the SDK tries 2026-07-28 first and falls back to the initialize handshake.
/// </summary>
internal static class GatewayClientProgram
{
    public static async Task<int> Main(string[] args)
    {
        var url = Argument(args, "--url") ?? "http://127.0.0.1:5080/mcp";
        var apiKey = Argument(args, "--api-key") ?? Environment.GetEnvironmentVariable("GATEWAY_API_KEY");
        var header = Argument(args, "--api-key-header") ?? "x-api-key";
        var protocolVersion = Argument(args, "--protocol-version");
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
            await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken: cancellation.Token);
            Console.WriteLine($"Connected to {client.ServerInfo?.Name} {client.ServerInfo?.Version} through {url}");
            Console.WriteLine($"Protocol version: {client.NegotiatedProtocolVersion}; session: {(client.SessionId is null ? "none" : "yes")}");

            var tools = await client.ListToolsAsync(cancellationToken: cancellation.Token);
            Console.WriteLine($"Tools: {string.Join(", ", tools.Select(static t => t.Name))}");

            await CallAsync(client, "getUserInfo", new Dictionary<string, object?>(), cancellation.Token);
            await CallAsync(client, "soqlQuery", new Dictionary<string, object?> { ["query"] = "SELECT Id, Name FROM Account LIMIT 3" }, cancellation.Token);

            Console.WriteLine("runLongReport:");
            await RunReportAsync(client, steps: 3, cancellation.Token);

            var resources = await client.ListResourcesAsync(cancellationToken: cancellation.Token);
            Console.WriteLine($"Resources: {string.Join(", ", resources.Select(static r => r.Uri))}");
            var prompts = await client.ListPromptsAsync(cancellationToken: cancellation.Token);
            Console.WriteLine($"Prompts: {string.Join(", ", prompts.Select(static p => p.Name))}");

            // Disposing the client ends the session: a DELETE with its Mcp-Session-Id, when it has one.
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

    /// <summary>
    /// Calls <c>runLongReport</c> with a progress token and prints each progress notification. The handler is
    /// registered here rather than passed as <see cref="IProgress{T}"/> to <c>CallToolAsync</c>: the SDK client
    /// dispatches notifications concurrently with responses and drops a per-call handler as soon as the result
    /// arrives, so the last notification, sent just before the result, can be lost.
    /// </summary>
    private static async Task RunReportAsync(McpClient client, int steps, CancellationToken cancellationToken)
    {
        var progressToken = Guid.NewGuid().ToString("N");
        var received = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            var value = notification.Params;
            if (value?["progressToken"]?.ToString() == progressToken)
            {
                Console.WriteLine($"  progress {value["progress"]}/{value["total"]}: {value["message"]}");
                if (Interlocked.Increment(ref received) >= steps)
                {
                    allReceived.TrySetResult();
                }
            }

            return ValueTask.CompletedTask;
        });

        var report = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = "runLongReport",
            Arguments = new Dictionary<string, JsonElement> { ["steps"] = JsonSerializer.SerializeToElement(steps, McpJsonUtilities.DefaultOptions) },
            Meta = new JsonObject { ["progressToken"] = progressToken },
        }, cancellationToken);

        try
        {
            if (report.IsError != true)
            {
                await allReceived.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }
        catch (TimeoutException)
        {
            Console.WriteLine($"  ({Volatile.Read(ref received)} of {steps} progress notifications arrived)");
        }

        Console.WriteLine($"  {Text(report)}");
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(static c => c.Text));

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
