using Gateway.Credentials;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy;

/// <summary>
/// On a 401 from the upstream, asks the credential provider to renew the token and, if it did, sends
/// the request once more with the new token. Never loops: a second 401 goes back to the transformer,
/// which reports it. The replay is a fresh request built from the validated body bytes the exchange
/// holds: the forwarder's own request content can be sent only once, and YARP 2.3 refuses a transform
/// that replaces it (yarp-notes.md "Replaying a request after a 401").
/// </summary>
internal sealed class UpstreamAuthRetryHandler(IUpstreamCredentialProvider credentials) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<McpExchange> ExchangeKey = new("Gateway.McpExchange");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized
            || !request.Options.TryGetValue(ExchangeKey, out var exchange)
            || exchange.Principal is null || exchange.UpstreamToken is null)
        {
            return response;
        }

        if (!await credentials.RenewAsync(exchange.Principal, exchange.UpstreamToken, cancellationToken))
        {
            return response;
        }

        var renewed = await credentials.GetTokenAsync(exchange.Principal, cancellationToken);
        if (!renewed.Succeeded || renewed.AccessToken == exchange.UpstreamToken)
        {
            return response;
        }

        using var replay = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
        {
            if (!header.Key.Equals(HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase))
            {
                replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        replay.Headers.TryAddWithoutValidation(HeaderNames.Authorization, string.Concat("Bearer ", renewed.AccessToken));
        if (request.Content is not null)
        {
            replay.Content = new ReadOnlyMemoryContent(exchange.Body);
            foreach (var header in request.Content.Headers)
            {
                replay.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        exchange.UpstreamToken = renewed.AccessToken;
        response.Dispose();
        return await base.SendAsync(replay, cancellationToken);
    }
}
