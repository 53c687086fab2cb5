using System.Security.Cryptography;
using System.Text;
using Gateway.Inbound;
using Gateway.Mcp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Inbound;

public sealed class InboundAuthenticatorTests
{
    private const string AliceKey = "alice-key-0123456789abcdef";
    private const string BobToken = "bob-token-fedcba9876543210";

    [Fact]
    public void TryAuthenticate_CorrectApiKey_ReturnsApiKeyPrincipalWithConfiguredId()
    {
        var authenticator = Authenticator(Options());

        var ok = authenticator.TryAuthenticate(Request(("x-api-key", AliceKey)), out var principal, out var rejection);

        Assert.True(ok);
        Assert.Null(rejection);
        Assert.Equal(new GatewayPrincipal("alice", InboundCredentialKind.ApiKey), principal);
    }

    [Fact]
    public void TryAuthenticate_ApiKeyUnderUppercaseHashAndHeaderCase_IsAccepted()
    {
        var options = Options();
        options.ApiKeys[0].Sha256 = options.ApiKeys[0].Sha256.ToUpperInvariant();
        var authenticator = Authenticator(options);

        Assert.True(authenticator.TryAuthenticate(Request(("X-API-KEY", AliceKey)), out var principal, out _));
        Assert.Equal("alice", principal.Id);
    }

    [Fact]
    public void TryAuthenticate_SecondOfSeveralApiKeys_ReturnsItsPrincipal()
    {
        var options = Options();
        options.ApiKeys.Add(new HashedCredential { Id = "carol", Sha256 = Sha256Hex("carol-key") });
        var authenticator = Authenticator(options);

        Assert.True(authenticator.TryAuthenticate(Request(("x-api-key", "carol-key")), out var principal, out _));
        Assert.Equal("carol", principal.Id);
    }

    [Fact]
    public void TryAuthenticate_CustomApiKeyHeader_IsUsed()
    {
        var options = Options();
        options.ApiKeyHeader = "X-Gateway-Key";
        var authenticator = Authenticator(options);

        Assert.True(authenticator.TryAuthenticate(Request(("X-Gateway-Key", AliceKey)), out var principal, out _));
        Assert.Equal("alice", principal.Id);
        Assert.False(authenticator.TryAuthenticate(Request(("x-api-key", AliceKey)), out _, out var rejection));
        Assert.Equal("missing_credential", rejection.Reason);
        Assert.Equal("X-Gateway-Key", authenticator.ApiKeyHeader);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("alice-key-0123456789abcdeF")]
    [InlineData("alice-key-0123456789abcde")]
    [InlineData(" alice-key-0123456789abcdef")]
    [InlineData("")]
    [InlineData(BobToken)]
    public void TryAuthenticate_WrongApiKey_Returns401WithChallenge(string key)
    {
        var authenticator = Authenticator(Options());

        var ok = authenticator.TryAuthenticate(Request(("x-api-key", key)), out var principal, out var rejection);

        Assert.False(ok);
        Assert.Null(principal);
        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status401Unauthorized, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.Unauthorized, rejection.Code);
        Assert.Equal("invalid_api_key", rejection.Reason);
        AssertChallenge(rejection);
    }

    [Fact]
    public void TryAuthenticate_TwoApiKeyHeaderValues_Returns401()
    {
        var authenticator = Authenticator(Options());
        var request = new DefaultHttpContext().Request;
        request.Headers["x-api-key"] = new([AliceKey, AliceKey]);

        Assert.False(authenticator.TryAuthenticate(request, out _, out var rejection));
        Assert.Equal("invalid_api_key", rejection.Reason);
    }

    [Fact]
    public void TryAuthenticate_OverlongApiKey_Returns401()
    {
        var longKey = new string('k', 5000);
        var options = Options();
        options.ApiKeys.Add(new HashedCredential { Id = "long", Sha256 = Sha256Hex(longKey) });
        var authenticator = Authenticator(options);

        Assert.False(authenticator.TryAuthenticate(Request(("x-api-key", longKey)), out _, out var rejection));
        Assert.Equal("invalid_api_key", rejection.Reason);
    }

    [Fact]
    public void TryAuthenticate_NonAsciiApiKey_IsHashedAsUtf8()
    {
        var key = "clé-ключ-鍵-🔑";
        var options = Options();
        options.ApiKeys.Add(new HashedCredential { Id = "unicode", Sha256 = Sha256Hex(key) });
        var authenticator = Authenticator(options);

        Assert.True(authenticator.TryAuthenticate(Request(("x-api-key", key)), out var principal, out _));
        Assert.Equal("unicode", principal.Id);
    }

    [Theory]
    [InlineData("Bearer " + BobToken)]
    [InlineData("bearer " + BobToken)]
    [InlineData("BEARER " + BobToken)]
    [InlineData("Bearer   " + BobToken + "  ")]
    public void TryAuthenticate_CorrectBearerToken_ReturnsBearerPrincipal(string authorization)
    {
        var authenticator = Authenticator(Options());

        var ok = authenticator.TryAuthenticate(Request(("Authorization", authorization)), out var principal, out var rejection);

        Assert.True(ok);
        Assert.Null(rejection);
        Assert.Equal(new GatewayPrincipal("bob", InboundCredentialKind.BearerToken), principal);
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer ")]
    [InlineData("Bearer")]
    [InlineData("Basic " + BobToken)]
    [InlineData(BobToken)]
    [InlineData("Bearer " + AliceKey)]
    [InlineData("")]
    public void TryAuthenticate_WrongBearerToken_Returns401WithChallenge(string authorization)
    {
        var authenticator = Authenticator(Options());

        var ok = authenticator.TryAuthenticate(Request(("Authorization", authorization)), out var principal, out var rejection);

        Assert.False(ok);
        Assert.Null(principal);
        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status401Unauthorized, rejection.StatusCode);
        Assert.Equal("invalid_token", rejection.Reason);
        AssertChallenge(rejection);
    }

    [Fact]
    public void TryAuthenticate_WrongApiKeyWithValidBearer_Returns401WithoutFallingThrough()
    {
        var authenticator = Authenticator(Options());

        var ok = authenticator.TryAuthenticate(Request(("x-api-key", "wrong"), ("Authorization", "Bearer " + BobToken)), out var principal, out var rejection);

        Assert.False(ok);
        Assert.Null(principal);
        Assert.NotNull(rejection);
        Assert.Equal("invalid_api_key", rejection.Reason);
    }

    [Fact]
    public void TryAuthenticate_WrongApiKeyWithAllowAnonymous_Returns401()
    {
        var options = Options();
        options.AllowAnonymous = true;
        var authenticator = Authenticator(options);

        Assert.False(authenticator.TryAuthenticate(Request(("x-api-key", "wrong")), out _, out var rejection));
        Assert.Equal("invalid_api_key", rejection.Reason);
    }

    [Fact]
    public void TryAuthenticate_WrongBearerWithAllowAnonymous_Returns401()
    {
        var options = Options();
        options.AllowAnonymous = true;
        var authenticator = Authenticator(options);

        Assert.False(authenticator.TryAuthenticate(Request(("Authorization", "Bearer wrong")), out _, out var rejection));
        Assert.Equal("invalid_token", rejection.Reason);
    }

    [Fact]
    public void TryAuthenticate_NoCredential_Returns401MissingCredential()
    {
        var authenticator = Authenticator(Options());

        var ok = authenticator.TryAuthenticate(Request(), out var principal, out var rejection);

        Assert.False(ok);
        Assert.Null(principal);
        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status401Unauthorized, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.Unauthorized, rejection.Code);
        Assert.Equal("missing_credential", rejection.Reason);
        AssertChallenge(rejection);
    }

    [Fact]
    public void TryAuthenticate_NoCredentialWithAllowAnonymous_ReturnsAnonymous()
    {
        var authenticator = Authenticator(new InboundAuthOptions { AllowAnonymous = true });

        var ok = authenticator.TryAuthenticate(Request(), out var principal, out var rejection);

        Assert.True(ok);
        Assert.Null(rejection);
        Assert.NotNull(principal);
        Assert.Same(GatewayPrincipal.Anonymous, principal);
        Assert.Equal(InboundCredentialKind.Anonymous, principal.Kind);
    }

    [Fact]
    public void TryAuthenticate_ValidKeyWithAllowAnonymous_ReturnsTheKeysPrincipal()
    {
        var options = Options();
        options.AllowAnonymous = true;
        var authenticator = Authenticator(options);

        Assert.True(authenticator.TryAuthenticate(Request(("x-api-key", AliceKey)), out var principal, out _));
        Assert.Equal("alice", principal.Id);
    }

    [Fact]
    public void TryAuthenticate_Challenge_NamesOnlyConfiguredSchemes()
    {
        var apiKeysOnly = new InboundAuthOptions { ApiKeys = [new() { Id = "alice", Sha256 = Sha256Hex(AliceKey) }] };
        var tokensOnly = new InboundAuthOptions { BearerTokens = [new() { Id = "bob", Sha256 = Sha256Hex(BobToken) }] };

        Assert.False(Authenticator(apiKeysOnly).TryAuthenticate(Request(), out _, out var keyRejection));
        Assert.False(Authenticator(tokensOnly).TryAuthenticate(Request(), out _, out var tokenRejection));

        var keyChallenge = Assert.Single(keyRejection.Headers!).Value;
        Assert.Contains("ApiKey", keyChallenge, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", keyChallenge, StringComparison.Ordinal);
        var tokenChallenge = Assert.Single(tokenRejection.Headers!).Value;
        Assert.Contains("Bearer", tokenChallenge, StringComparison.Ordinal);
        Assert.DoesNotContain("ApiKey", tokenChallenge, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-api-key", "secret-that-must-not-leak-1")]
    [InlineData("Authorization", "Bearer secret-that-must-not-leak-2")]
    public void TryAuthenticate_Rejection_NeverContainsThePresentedSecret(string header, string value)
    {
        var authenticator = Authenticator(Options());

        Assert.False(authenticator.TryAuthenticate(Request((header, value)), out _, out var rejection));

        var secret = value.Replace("Bearer ", "", StringComparison.Ordinal);
        Assert.DoesNotContain(secret, rejection.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, rejection.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, rejection.ToString(), StringComparison.Ordinal);
        Assert.All(rejection.Headers ?? [], h => Assert.DoesNotContain(secret, h.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void TryAuthenticate_OptionsChange_RotatesKeys()
    {
        var monitor = new TestOptionsMonitor<InboundAuthOptions>(Options());
        var authenticator = new InboundAuthenticator(monitor, NullLogger<InboundAuthenticator>.Instance);
        Assert.True(authenticator.TryAuthenticate(Request(("x-api-key", AliceKey)), out _, out _));

        monitor.Set(new InboundAuthOptions { ApiKeys = [new() { Id = "alice-2", Sha256 = Sha256Hex("rotated-key") }] });

        Assert.False(authenticator.TryAuthenticate(Request(("x-api-key", AliceKey)), out _, out var rejection));
        Assert.Equal("invalid_api_key", rejection.Reason);
        Assert.True(authenticator.TryAuthenticate(Request(("x-api-key", "rotated-key")), out var principal, out _));
        Assert.Equal("alice-2", principal.Id);
        Assert.False(authenticator.TryAuthenticate(Request(("Authorization", "Bearer " + BobToken)), out _, out _));
    }

    [Fact]
    public void TryAuthenticate_OptionsChangeOfHeaderName_UsesTheNewHeader()
    {
        var monitor = new TestOptionsMonitor<InboundAuthOptions>(Options());
        var authenticator = new InboundAuthenticator(monitor, NullLogger<InboundAuthenticator>.Instance);
        var updated = Options();
        updated.ApiKeyHeader = "x-other-key";

        monitor.Set(updated);

        Assert.Equal("x-other-key", authenticator.ApiKeyHeader);
        Assert.True(authenticator.TryAuthenticate(Request(("x-other-key", AliceKey)), out _, out _));
    }

    private static void AssertChallenge(McpRejection rejection)
    {
        var header = Assert.Single(rejection.Headers!);
        Assert.Equal("WWW-Authenticate", header.Key);
        Assert.Contains("realm=\"mcp-gateway\"", header.Value, StringComparison.Ordinal);
    }

    private static InboundAuthOptions Options() => new()
    {
        ApiKeys = [new() { Id = "alice", Sha256 = Sha256Hex(AliceKey) }],
        BearerTokens = [new() { Id = "bob", Sha256 = Sha256Hex(BobToken) }],
    };

    private static InboundAuthenticator Authenticator(InboundAuthOptions options) =>
        new(new TestOptionsMonitor<InboundAuthOptions>(options), NullLogger<InboundAuthenticator>.Instance);

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var request = new DefaultHttpContext().Request;
        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        return request;
    }

    internal static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> whose value a test sets, notifying listeners as configuration reload does.</summary>
internal sealed class TestOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    private readonly List<Action<T, string?>> _listeners = [];

    public T CurrentValue { get; private set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener)
    {
        _listeners.Add(listener);
        return null;
    }

    public void Set(T value)
    {
        CurrentValue = value;
        foreach (var listener in _listeners)
        {
            listener(value, Microsoft.Extensions.Options.Options.DefaultName);
        }
    }
}
