using System.Net;
using System.Text;
using Gateway.Audit;
using Gateway.Inbound;
using Gateway.Mcp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.UnitTests.Audit;

/// <summary>Issue 4 item 6, "no secrets anywhere": recognisable secrets go in, none comes out of any sink.</summary>
public sealed class AuditSecretScanTests
{
    private const string Password = "S3cret-Pa55word-7f1c";
    private const string ApiKey = "ak_live_9d8c7b6a5f4e3d2c1b0a";
    private const string ClientSecret = "cs-5A9F8E7D6C5B4A3F2E1D";
    private const string RefreshToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrpdq";
    private const string NestedToken = "nested-token-0b1c2d3e4f5a6b7c";
    private const string Cookie = "sid=00Dxx-cookie-value-1a2b3c";
    private const string Jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjIyOCJ9.eyJzdWIiOiIwMDV4eDAwMDAwMVg4VXoiLCJzY3AiOlsibWNwX2FwaSJdfQ.c2lnbmF0dXJl-c2lnbmF0dXJl";
    private const string SalesforceToken = "00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQxnMeYMN7cj8EoWr78nh5l9Ks";
    private const string SessionId = "mcp-session-7d1e0c55a4b64b8f9e2d3c1b0a9f8e7d";
    private const string BearerHeaderToken = "gw-static-bearer-1f2e3d4c5b6a7980";

    private static readonly string[] s_secrets = [Password, ApiKey, ClientSecret, RefreshToken, NestedToken, Cookie, Jwt, SalesforceToken, SessionId, BearerHeaderToken];

    [Fact]
    public async Task EverySink_RecordsBuiltFromSecretLadenInputs_ContainNoSecret()
    {
        var body = $$$"""
            {"jsonrpc":"2.0","id":"1","method":"tools/call","params":{"name":"connect","arguments":{
              "instance":"acme.my.salesforce.com",
              "password":"{{{Password}}}",
              "API_KEY":"{{{ApiKey}}}",
              "auth":{"client_secret":"{{{ClientSecret}}}","refresh_token":"{{{RefreshToken}}}","scopes":["mcp_api"]},
              "steps":[{"do":"login","credentials":{"user":"u","pass":"{{{Password}}}"}},{"x-auth-token":"{{{NestedToken}}}"}],
              "headers":{"Cookie":"{{{Cookie}}}","Authorization":"Bearer {{{BearerHeaderToken}}}"},
              "note":"pasted {{{Jwt}}} by mistake",
              "comment":"and {{{SalesforceToken}}} too"
            } } }
            """;
        var options = AuditTestData.Options(static o => o.IncludeArguments = true);
        var factory = AuditTestData.Factory(options);
        var inputs = new[]
        {
            AuditTestData.FullInput() with { RequestBody = Encoding.UTF8.GetBytes(body), ClientSessionId = SessionId, Target = "connect", JsonRpcIdJson = "\"1\"" },
            AuditTestData.FullInput() with
            {
                RequestBody = Encoding.UTF8.GetBytes($"[{body}]"),
                ClientSessionId = SessionId,
                JsonRpcErrorCode = -32603,
                JsonRpcErrorMessage = $"upstream said: invalid token Bearer {BearerHeaderToken} / {Jwt}",
                UserAgent = $"curl/8 Bearer {BearerHeaderToken}",
            },
            AuditTestData.RejectedInput() with { ClientSessionId = SessionId, Principal = null },
            AuditTestData.FullInput() with { Principal = new GatewayPrincipal("bearer-ci", InboundCredentialKind.BearerToken), ClientSessionId = SessionId },
        };

        var lines = new StringWriter();
        var jsonLines = new JsonLinesAuditSink(lines, 100, "scan", ownsWriter: false, TimeProvider.System, NullLogger<JsonLinesAuditSink>.Instance);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var trail = new AuditTrail(factory, [jsonLines, new LoggerAuditSink(loggerFactory)], Microsoft.Extensions.Options.Options.Create(options), NullLogger<AuditTrail>.Instance);

        var records = inputs.Select(input => trail.Record(input)!).ToArray();
        await jsonLines.DisposeAsync();

        var everything = new StringBuilder(lines.ToString());
        foreach (var entry in logs.Entries)
        {
            everything.AppendLine(entry.Message);
            foreach (var value in entry.Properties.Values)
            {
                everything.AppendLine(value?.ToString());
            }
        }

        var text = everything.ToString();
        Assert.Equal(4, lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(s_secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        // The scan saw real content: the arguments are there, only the secrets are not.
        Assert.Contains("acme.my.salesforce.com", text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", text, StringComparison.Ordinal);
        foreach (var record in records)
        {
            AuditTestData.AssertMatchesSchema(AuditTestData.Serialize(record));
        }
    }

    [Fact]
    public void Record_RejectionMessageQuotingACredential_IsScrubbed()
    {
        var input = AuditTestData.RejectedInput() with
        {
            Rejection = new McpRejection(401, JsonRpcErrorCodes.Unauthorized, "unauthorized", $"Rejected Authorization: Bearer {BearerHeaderToken}"),
            RemoteIpAddress = IPAddress.Loopback,
        };

        var json = AuditTestData.Serialize(AuditTestData.Factory().Create(input));

        Assert.DoesNotContain(BearerHeaderToken, json, StringComparison.Ordinal);
    }
}
