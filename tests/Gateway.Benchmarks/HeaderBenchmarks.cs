using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Benchmarks;

/// <summary>The per-request header work in front of the body scan: API key, session id, Accept/Content-Type.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class HeaderBenchmarks
{
    private const string ApiKey = "bench-key-7f3a91c2d4e5";

    private InboundAuthenticator _authenticator = null!;
    private HttpRequest _authRequest = null!;
    private SessionBinder _binder = null!;
    private GatewayPrincipal _principal = null!;
    private string _sealedSessionId = "";
    private HttpRequest _postRequest = null!;
    private HttpRequest _postRequestWithCharset = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Three keys configured, the caller's second: the authenticator compares with every one anyway.
        var options = new InboundAuthOptions
        {
            ApiKeys =
            [
                new HashedCredential { Id = "alpha", Sha256 = Sha256Hex("alpha-key-0d84e6b5a1b2") },
                new HashedCredential { Id = "bench", Sha256 = Sha256Hex(ApiKey) },
                new HashedCredential { Id = "gamma", Sha256 = Sha256Hex("gamma-key-5c2e07aa9f8e") },
            ],
        };
        _authenticator = new InboundAuthenticator(new FixedOptionsMonitor<InboundAuthOptions>(options), NullLogger<InboundAuthenticator>.Instance);
        _authRequest = new DefaultHttpContext().Request;
        _authRequest.Headers[options.ApiKeyHeader] = ApiKey;
        if (!_authenticator.TryAuthenticate(_authRequest, out var principal, out _) || principal.Id != "bench")
        {
            throw new InvalidOperationException("The benchmark API key was not accepted.");
        }

        _principal = principal;
        _binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        _sealedSessionId = _binder.Seal(_principal, "3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c");
        if (_binder.Unseal(_principal, _sealedSessionId) is null)
        {
            throw new InvalidOperationException("The sealed session id did not open.");
        }

        _postRequest = PostRequest("application/json");
        _postRequestWithCharset = PostRequest("application/json; charset=utf-8");
        if (McpRequestValidator.CheckPostHeaders(_postRequest) is not null || McpRequestValidator.CheckPostHeaders(_postRequestWithCharset) is not null)
        {
            throw new InvalidOperationException("The POST headers were rejected.");
        }
    }

    [Benchmark(Description = "InboundAuthenticator.TryAuthenticate (API key)")]
    public object? TryAuthenticate()
    {
        _authenticator.TryAuthenticate(_authRequest, out var principal, out _);
        return principal;
    }

    [Benchmark(Description = "SessionBinder.Unseal")]
    public string? Unseal() => _binder.Unseal(_principal, _sealedSessionId);

    [Benchmark(Description = "McpRequestValidator.CheckPostHeaders")]
    public object? CheckPostHeaders() => McpRequestValidator.CheckPostHeaders(_postRequest);

    [Benchmark(Description = "CheckPostHeaders (Content-Type with charset)")]
    public object? CheckPostHeadersWithCharset() => McpRequestValidator.CheckPostHeaders(_postRequestWithCharset);

    private static HttpRequest PostRequest(string contentType)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = HttpMethods.Post;
        request.Headers.Accept = "application/json, text/event-stream";
        request.ContentType = contentType;
        return request;
    }

    private static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Options that never change: all the authenticator needs of <see cref="IOptionsMonitor{TOptions}"/>.</summary>
    private sealed class FixedOptionsMonitor<TOptions>(TOptions value) : IOptionsMonitor<TOptions>
    {
        public TOptions CurrentValue => value;

        public TOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<TOptions, string?> listener) => null;
    }
}
