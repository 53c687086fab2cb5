using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Options;

namespace Gateway.Credentials;

/// <summary>
/// Salesforce's OAuth endpoints through Duende.IdentityModel: the protocol is the library's, this
/// class only reads Salesforce's extra fields and sorts failures into <see cref="TokenOutcome"/>.
/// </summary>
internal sealed class SalesforceTokenClient(IHttpClientFactory httpClients, IOptions<UpstreamCredentialOptions> options)
{
    public const string HttpClientName = "Gateway.SalesforceOAuth";

    private readonly UpstreamCredentialOptions _options = options.Value;

    public Uri AuthorizeEndpoint => Endpoint("authorize");

    /// <summary>
    /// A new authorization request (code flow, PKCE S256, RFC 7636 §4; random <c>state</c>, RFC 6749 §10.12):
    /// the URL to send the operator to, and the state and verifier the callback must check and send.
    /// </summary>
    public (string Url, string State, string Verifier) CreateAuthorizeRequest(string redirectUri, string? loginHint = null)
    {
        var state = CryptoRandom.CreateUniqueId(32);
        var verifier = CryptoRandom.CreateUniqueId(64);
        var url = new RequestUrl(AuthorizeEndpoint.AbsoluteUri).CreateAuthorizeUrl(
            clientId: _options.ClientId!,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: _options.Scopes,
            redirectUri: redirectUri,
            state: state,
            codeChallenge: System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256,
            loginHint: loginHint);
        return (url, state, verifier);
    }

    public Task<SalesforceTokens> ExchangeCodeAsync(string code, string codeVerifier, string redirectUri, CancellationToken cancellationToken) =>
        RequestTokensAsync((client, ct) => client.RequestAuthorizationCodeTokenAsync(Client(new AuthorizationCodeTokenRequest
        {
            Address = Endpoint("token").AbsoluteUri,
            Code = code,
            CodeVerifier = codeVerifier,
            RedirectUri = redirectUri,
        }), ct), cancellationToken);

    public Task<SalesforceTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        RequestTokensAsync((client, ct) => client.RequestRefreshTokenAsync(Client(new RefreshTokenRequest
        {
            Address = Endpoint("token").AbsoluteUri,
            RefreshToken = refreshToken,
        }), ct), cancellationToken);

    public Task<SalesforceTokens> ClientCredentialsAsync(CancellationToken cancellationToken) =>
        RequestTokensAsync((client, ct) => client.RequestClientCredentialsTokenAsync(Client(new ClientCredentialsTokenRequest
        {
            Address = Endpoint("token").AbsoluteUri,
        }), ct), cancellationToken);

    /// <summary>Revokes a refresh token, which revokes the grant and its access tokens (reference/domain.md §2.5).</summary>
    public async Task<SalesforceTokens> RevokeAsync(string token, CancellationToken cancellationToken)
    {
        using var response = await SendAsync((client, ct) => client.RevokeTokenAsync(Client(new TokenRevocationRequest
        {
            Address = Endpoint("revoke").AbsoluteUri,
            Token = token,
        }), ct), cancellationToken);
        return response switch
        {
            null => TimedOut(),
            { IsError: true } => Classify(response, response.Error),
            _ => new SalesforceTokens(TokenOutcome.Succeeded) { AccessToken = "" },
        };
    }

    /// <summary>Salesforce's introspection <c>exp</c> for a token that is not a JWT, or null (then the fallback lifetime applies).</summary>
    public async Task<DateTimeOffset?> IntrospectExpiryAsync(string accessToken, CancellationToken cancellationToken)
    {
        using var response = await SendAsync((client, ct) => client.IntrospectTokenAsync(Client(new TokenIntrospectionRequest
        {
            Address = Endpoint("introspect").AbsoluteUri,
            Token = accessToken,
            TokenTypeHint = "access_token",
        }), ct), cancellationToken);
        return response is { IsError: false, IsActive: true, Json: { } json }
            && json.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    private async Task<SalesforceTokens> RequestTokensAsync(Func<HttpClient, CancellationToken, Task<TokenResponse>> send, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(send, cancellationToken);
        if (response is null)
        {
            return TimedOut();
        }

        if (response.IsError)
        {
            return Classify(response, response.Error, response.ErrorDescription);
        }

        if (string.IsNullOrEmpty(response.AccessToken))
        {
            return new SalesforceTokens(TokenOutcome.Refused) { Error = "no_access_token", ErrorDescription = "The token response carried no access_token." };
        }

        return new SalesforceTokens(TokenOutcome.Succeeded)
        {
            AccessToken = response.AccessToken,
            RefreshToken = response.RefreshToken is { Length: > 0 } refresh ? refresh : null,
            ExpiresIn = response.ExpiresIn > 0 ? TimeSpan.FromSeconds(response.ExpiresIn) : null,
            IssuedAt = IssuedAt(response.Json),
            InstanceUrl = response.TryGet("instance_url"),
            IdentityUrl = response.TryGet("id"),
            Scope = response.Scope,
        };
    }

    /// <summary>
    /// One request with <c>TokenRequestTimeout</c>; null when that ran out. Duende turns connection
    /// failures into error responses but lets cancellations through, so the timeout is caught here and
    /// becomes a transient failure rather than an abort.
    /// </summary>
    private async Task<TResponse?> SendAsync<TResponse>(Func<HttpClient, CancellationToken, Task<TResponse>> send, CancellationToken cancellationToken)
        where TResponse : ProtocolResponse
    {
        using var client = CreateClient();
        try
        {
            return await send(client, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private SalesforceTokens TimedOut() =>
        new(TokenOutcome.Transient) { Error = "timeout", ErrorDescription = $"no answer within {_options.TokenRequestTimeout}" };

    /// <summary>
    /// The External Client App's credentials in the form body: a PKCE public client has no secret, so
    /// HTTP Basic (Duende's default) would send an empty one; Salesforce accepts either (domain.md §2.1).
    /// </summary>
    private T Client<T>(T request) where T : ProtocolRequest
    {
        request.ClientId = _options.ClientId!;
        request.ClientSecret = _options.ClientSecret;
        request.ClientCredentialStyle = ClientCredentialStyle.PostBody;
        return request;
    }

    private HttpClient CreateClient()
    {
        var client = httpClients.CreateClient(HttpClientName);
        client.Timeout = _options.TokenRequestTimeout;
        return client;
    }

    private Uri Endpoint(string name) => new(new Uri(_options.LoginUrl), "/services/oauth2/" + name);

    /// <summary>
    /// Sorts a failure (reference/domain.md §2.4): <c>invalid_grant</c> is terminal; 5xx, timeouts,
    /// connection failures and <c>rate_limit_exceeded</c> are transient; anything else is a refusal.
    /// </summary>
    private static SalesforceTokens Classify(ProtocolResponse response, string? error, string? description = null)
    {
        var outcome = response.ErrorType switch
        {
            ResponseErrorType.Exception => TokenOutcome.Transient,
            _ when error == "invalid_grant" => TokenOutcome.InvalidGrant,
            _ when error == "rate_limit_exceeded" => TokenOutcome.Transient,
            _ when response.HttpStatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError => TokenOutcome.Transient,
            _ => TokenOutcome.Refused,
        };
        var code = response.ErrorType switch
        {
            ResponseErrorType.Exception => response.Exception is TaskCanceledException or TimeoutException ? "timeout" : "connection_failed",
            ResponseErrorType.Http when string.IsNullOrEmpty(error) || error == response.HttpErrorReason => "http_" + ((int)response.HttpStatusCode).ToString(CultureInfo.InvariantCulture),
            _ => error ?? "unknown_error",
        };
        return new SalesforceTokens(outcome) { Error = code, ErrorDescription = description };
    }

    /// <summary>Salesforce sends <c>issued_at</c> in milliseconds, as a string, despite documenting seconds (§2.1).</summary>
    private static DateTimeOffset? IssuedAt(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("issued_at", out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        // Ten digits are seconds until the year 2286; thirteen are milliseconds.
        return number >= 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(number) : DateTimeOffset.FromUnixTimeSeconds(number);
    }
}
