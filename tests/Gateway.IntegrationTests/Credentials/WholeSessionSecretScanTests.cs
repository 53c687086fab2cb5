using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Gateway.IntegrationTests.Credentials;

/// <summary>
/// Issue 4 §6: a whole session — connect, calls, a token refresh, refusals — with recognisable
/// secrets, then every exported span and metric point, every log line and every audit record is scanned for them.
/// </summary>
[Collection(nameof(GlobalListeners))]
public sealed class WholeSessionSecretScanTests
{
    private const string WrongApiKey = "wrong-key-SECRET-5a5a5a5a";

    [Fact]
    public async Task NoSecret_InAnyExportedSpanMetricLogOrAuditRecord()
    {
        var spans = new SpanRecorder();
        var metrics = new List<Metric>();
        var audit = new AuditCapture();
        using var gateway = new OAuthGateway(
            settings: new Dictionary<string, string?>
            {
                ["Gateway:Telemetry:Enabled"] = "true",
                ["Gateway:Audit:IncludeArguments"] = "true",
                ["Gateway:Upstream:Credential:ClientSecret"] = SalesforceOAuthStub.ClientSecret,
            },
            configureServices: services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(spans));
                services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
                services.AddSingleton<Gateway.Audit.IAuditSink>(audit);
            });

        await gateway.ConnectSucceedsAsync();
        using (var call = await gateway.ToolsCallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        gateway.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using (var afterRefresh = await gateway.ToolsCallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, afterRefresh.StatusCode);
        }

        using (var wrongKey = await gateway.Client.SendAsync(McpRequests.Post(McpRequests.ToolsCall, apiKey: WrongApiKey), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        }

        using (var bearer = McpRequests.Post("""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"soqlQuery","arguments":{"password":"pw-SECRET-00ff"}}}""", apiKey: null))
        {
            bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestCredentials.CarolBearerToken);
            using var response = await gateway.Client.SendAsync(bearer, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await spans.WaitForAsync(static s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /mcp" && s.GetTagItem("gateway.reason") is not null, TestContext.Current.CancellationToken);
        gateway.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var exported = new StringBuilder();
        foreach (var span in spans.Spans)
        {
            exported.Append(span.DisplayName).Append(' ').Append(span.StatusDescription).Append('\n');
            foreach (var (key, value) in span.TagObjects)
            {
                exported.Append(key).Append('=').Append(value).Append('\n');
            }

            foreach (var spanEvent in span.Events)
            {
                exported.Append(spanEvent.Name).Append('\n');
                foreach (var (key, value) in spanEvent.Tags)
                {
                    exported.Append(key).Append('=').Append(value).Append('\n');
                }
            }
        }

        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    exported.Append(metric.Name).Append(' ').Append(tag.Key).Append('=').Append(tag.Value).Append('\n');
                }
            }
        }

        // Every log line, with its structured state (the test host routes logging to this capture).
        exported.Append(gateway.Factory.Logs.AllText()).Append('\n');
        foreach (var line in audit.Json)
        {
            exported.Append(line).Append('\n');
        }

        var text = exported.ToString();
        // The scan looked at real material: the refresh, the calls and the refusal all left traces.
        Assert.Equal(1, gateway.Stub.Refreshes);
        Assert.Contains("tools/call soqlQuery", text, StringComparison.Ordinal);
        Assert.Contains("gateway.token.refreshes outcome=succeeded", text, StringComparison.Ordinal);
        Assert.Contains("refreshed", text, StringComparison.Ordinal);
        Assert.Contains("\"eventName\":\"tools/call\"", text, StringComparison.Ordinal);
        Assert.Contains("/connect/salesforce/callback", text, StringComparison.Ordinal);
        string[] secrets =
        [
            .. TestCredentials.AllSecrets, .. gateway.Stub.IssuedTokens, WrongApiKey, "pw-SECRET-00ff",
            SalesforceOAuthStub.ValidCode, SalesforceOAuthStub.ClientSecret, gateway.Stub.LastCodeVerifier!,
        ];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private sealed class AuditCapture : Gateway.Audit.IAuditSink
    {
        private readonly ConcurrentQueue<string> _json = new();

        public IEnumerable<string> Json => _json;

        public void Write(Gateway.Audit.AuditRecord record) => _json.Enqueue(Gateway.Audit.AuditJson.Serialize(record));
    }
}
