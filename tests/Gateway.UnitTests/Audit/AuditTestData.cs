using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Gateway.Audit;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NJsonSchema.Validation;

namespace Gateway.UnitTests.Audit;

/// <summary>Builders for audit inputs and records, and the committed JSON Schema every test record must satisfy.</summary>
internal static class AuditTestData
{
    public static readonly DateTimeOffset Now = new(2026, 4, 8, 1, 33, 24, 567, TimeSpan.Zero);

    /// <summary>The committed schema, read from the source tree so the test checks the file that ships.</summary>
    public static AuditOptions Options(Action<AuditOptions>? configure = null)
    {
        var options = new AuditOptions { RecipientAccountId = "111122223333", PublicMcpUrl = "https://gateway.example.com/mcp" };
        configure?.Invoke(options);
        return options;
    }

    public static AuditRecordFactory Factory(AuditOptions? options = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options ?? Options()), new FakeTimeProvider(Now));

    /// <summary>A tools/call that went through and succeeded, with every field known.</summary>
    public static AuditEventInput FullInput() => new()
    {
        Principal = new GatewayPrincipal("devops-agent", InboundCredentialKind.ApiKey),
        UpstreamIdentity = new UpstreamIdentity("005xx000001X8Uz", "00Dxx0000001gPL", "integration@example.com"),
        InvokedBy = "aidevops.amazonaws.com",
        Method = McpMethods.ToolsCall,
        JsonRpcIdJson = "\"call-7\"",
        Target = "soql_query",
        ProtocolVersion = "2025-06-18",
        ClientSessionId = "sealed-session-id-abcdef0123456789",
        ToolReadOnlyHint = true,
        RequestBody = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"call-7","method":"tools/call","params":{"name":"soql_query","arguments":{"q":"SELECT Id FROM Account","password":"hunter2-P@ss"}}}"""),
        UpstreamEndpoint = new Uri("https://api.salesforce.com/platform/mcp/v1/sobject-reads?x=1"),
        HttpStatus = 200,
        IsError = false,
        HttpMethod = "POST",
        Scheme = "https",
        Host = "gateway.example.com",
        Path = "/mcp",
        RemoteIpAddress = IPAddress.Parse("203.0.113.10"),
        UserAgent = "aws-devops-agent/1.0 (mcp-client)",
        TlsProtocol = SslProtocols.Tls13,
        TlsCipherSuite = TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        RequestId = "0HNA1B2C3D4E5:00000001",
        TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        SpanId = "00f067aa0ba902b7",
    };

    /// <summary>The fewest facts a record can be built from: a GET with nothing known.</summary>
    public static AuditEventInput MinimalInput() => new() { HttpMethod = "GET", HttpStatus = 200, RequestId = "r-1" };

    /// <summary>A refusal by inbound authentication, before any body was read.</summary>
    public static AuditEventInput RejectedInput() => new()
    {
        HttpMethod = "POST",
        Scheme = "http",
        Host = "localhost:8080",
        Path = "/mcp",
        RemoteIpAddress = IPAddress.IPv6Loopback,
        RequestId = "r-2",
        Rejection = new McpRejection(401, JsonRpcErrorCodes.Unauthorized, "unauthorized", "The request carries no valid credential."),
    };

    public static string Serialize(AuditRecord record) => AuditJson.Serialize(record);

    /// <summary>The schema's complaints about <paramref name="json"/> (the committed schema, via Gateway.Testing).</summary>
    public static ICollection<ValidationError> SchemaErrors(string json) => AuditSchema.Errors(json);

    /// <summary>Fails the test, listing the errors, unless <paramref name="json"/> satisfies the committed schema.</summary>
    public static void AssertMatchesSchema(string json)
    {
        var errors = SchemaErrors(json);
        Assert.True(errors.Count == 0, $"Schema errors: {string.Join("; ", errors.Select(static e => $"{e.Path}: {e.Kind} {e}"))}\n{json}");
    }
}

/// <summary>Captures log events with their structured state, for asserting on what was (and was not) logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public List<CapturedLog> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            lock (provider.Entries)
            {
                provider.Entries.Add(new CapturedLog(category, logLevel, eventId, formatter(state, exception), properties.ToDictionary(static p => p.Key, static p => p.Value)));
            }
        }
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Dictionary<string, object?> Properties);
