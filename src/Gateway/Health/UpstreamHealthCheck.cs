using System.Net.Http.Headers;
using System.Text;
using Gateway.Credentials;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Proxy;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gateway.Health;

/// <summary>
/// Is the upstream reachable, and does it accept the gateway's credential? Sends one JSON-RPC
/// <c>ping</c> with the upstream token through the same connection pool the proxy uses. Any answer
/// past authentication (200, or the 400 a stateful server gives a request without a session) means
/// ready; 401/403 means the credential is refused; Salesforce's 404 "Server definition not found"
/// means the configured server path is wrong. Results are reused for a short while.
/// </summary>
internal sealed class UpstreamHealthCheck(
    UpstreamInvoker invoker,
    IUpstreamCredentialProvider credentials,
    IOptions<UpstreamOptions> upstream,
    IOptions<HealthOptions> options,
    TimeProvider timeProvider,
    ILogger<UpstreamHealthCheck> logger) : IHealthCheck
{
    private static readonly byte[] s_ping = """{"jsonrpc":"2.0","id":"gateway-readiness","method":"ping"}"""u8.ToArray();

    // One probe at a time; lives as long as the process, like the check itself.
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _inFlight;
    private (HealthCheckResult Result, long Timestamp)? _cached;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.ProbeUpstream)
        {
            return HealthCheckResult.Healthy("Upstream probing is turned off (Gateway:Health:ProbeUpstream).");
        }

        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_cached is { } cached && timeProvider.GetElapsedTime(cached.Timestamp) < options.Value.ProbeCacheDuration)
            {
                return cached.Result;
            }

            // Concurrent readiness calls share one probe instead of each sending their own. A probe that
            // finished synchronously (no credential) cleared _inFlight before this assignment stored it,
            // so a completed task is never reused: it would answer with that old result forever.
            if (_inFlight is null or { IsCompleted: true })
            {
                _inFlight = ProbeAndCacheAsync();
            }

            probe = _inFlight;
        }

        return await probe.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> ProbeAndCacheAsync()
    {
        try
        {
            var result = await ProbeAsync(CancellationToken.None);
            lock (_gate)
            {
                _cached = (result, timeProvider.GetTimestamp());
            }

            return result;
        }
        finally
        {
            // Whatever happened, the next check probes again: a faulted probe must not be shared forever.
            lock (_gate)
            {
                _inFlight = null;
            }
        }
    }

    private async Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var endpoint = upstream.Value.Endpoint;
        var data = new Dictionary<string, object> { ["endpoint"] = endpoint.ToString() };
        var token = await credentials.GetTokenAsync(GatewayPrincipal.Anonymous, cancellationToken);
        if (!token.Succeeded)
        {
            return HealthCheckResult.Unhealthy("No upstream credential is available, so the upstream was not probed.", data: data);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(s_ping) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(McpHeaders.JsonMediaType);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);

        using var timeout = new CancellationTokenSource(options.Value.ProbeTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await invoker.SendAsync(request, linked.Token);
            var status = (int)response.StatusCode;
            data["upstreamStatus"] = status;
            switch (status)
            {
                case 401 or 403:
                    return HealthCheckResult.Unhealthy("The upstream refused the gateway's credential.", data: data);
                case 404:
                    var body = await ReadHeadAsync(response, linked.Token);
                    if (body.Contains("Server definition not found", StringComparison.Ordinal))
                    {
                        return HealthCheckResult.Unhealthy(
                            "The upstream answered 'Server definition not found': Gateway:Upstream:Endpoint names no active MCP server.", data: data);
                    }

                    break;
                case >= 500:
                    return HealthCheckResult.Unhealthy($"The upstream answered {status}.", data: data);
            }

            return HealthCheckResult.Healthy($"The upstream is reachable and accepted the gateway's credential (probe answered {status}).", data);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.UpstreamProbeFailed(ex.GetType().Name);
            return HealthCheckResult.Unhealthy(
                ex is OperationCanceledException ? $"The upstream did not answer within {options.Value.ProbeTimeout}." : "The upstream could not be reached.",
                data: data);
        }
    }

    private static async Task<string> ReadHeadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
