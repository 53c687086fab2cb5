using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Inbound;
using Gateway.Mcp;
using Microsoft.AspNetCore.Http;

namespace Gateway.UnitTests.Audit;

public sealed class AuditRecordFactoryTests
{
    [Fact]
    public void Create_AuthenticatedCall_RecordsPrincipalAndUpstreamIdentity()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput());

        Assert.Equal("GatewayPrincipal", record.UserIdentity.Type);
        Assert.Equal("devops-agent", record.UserIdentity.PrincipalId);
        Assert.Equal("ApiKey", record.UserIdentity.CredentialKind);
        Assert.Equal("aidevops.amazonaws.com", record.UserIdentity.InvokedBy);
        Assert.Equal(new UpstreamIdentity("005xx000001X8Uz", "00Dxx0000001gPL", "integration@example.com"), record.UserIdentity.OnBehalfOf);
        AuditTestData.AssertMatchesSchema(AuditTestData.Serialize(record));
    }

    [Fact]
    public void Create_OAuthPrincipal_RecordsTheClientTheTokenWasIssuedTo()
    {
        var oauth = new GatewayPrincipal("user:00Dxx0000001gPL:005xx000001X8Uz", InboundCredentialKind.OAuth) { ClientId = "mcp-client-7f3a" };

        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { Principal = oauth });
        var apiKey = AuditTestData.Factory().Create(AuditTestData.FullInput());
        var json = AuditTestData.Serialize(record);

        Assert.Equal("OAuth", record.UserIdentity.CredentialKind);
        Assert.Equal("mcp-client-7f3a", record.UserIdentity.ClientId);
        Assert.Null(apiKey.UserIdentity.ClientId);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("mcp-client-7f3a", document.RootElement.GetProperty("userIdentity").GetProperty("clientId").GetString());
        AuditTestData.AssertMatchesSchema(json);
    }

    [Fact]
    public void Create_AuthenticationRejected_RecordsUnknownIdentityAndTheRejection()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.RejectedInput());

        Assert.Equal("Unknown", record.UserIdentity.Type);
        Assert.Equal("unauthenticated", record.UserIdentity.PrincipalId);
        Assert.Null(record.UserIdentity.CredentialKind);
        Assert.Equal("unauthorized", record.ErrorCode);
        Assert.Equal("The request carries no valid credential.", record.ErrorMessage);
        Assert.Equal(401, record.ResponseElements.HttpStatus);
        Assert.Equal(JsonRpcErrorCodes.Unauthorized, record.ResponseElements.JsonRpcErrorCode);
        Assert.Equal("HTTP POST", record.EventName);
        Assert.False(record.ReadOnly);
        AuditTestData.AssertMatchesSchema(AuditTestData.Serialize(record));
    }

    [Fact]
    public void Create_FramingRejectionOfParsedMessage_KeepsMethodAndRejection()
    {
        var input = AuditTestData.FullInput() with
        {
            HttpStatus = 0,
            Rejection = new McpRejection(400, JsonRpcErrorCodes.UnsupportedProtocolVersion, "unsupported_protocol_version", "Unsupported MCP-Protocol-Version."),
        };

        var record = AuditTestData.Factory().Create(input);

        Assert.Equal("tools/call", record.EventName);
        Assert.Equal("unsupported_protocol_version", record.ErrorCode);
        Assert.Equal(400, record.ResponseElements.HttpStatus);
        Assert.Equal(-32022, record.ResponseElements.JsonRpcErrorCode);
    }

    [Theory]
    [InlineData(200, -32602, null, "-32602")]
    [InlineData(200, null, true, "tool_error")]
    [InlineData(502, null, null, "502")]
    [InlineData(200, null, false, null)]
    [InlineData(202, null, null, null)]
    public void Create_Outcome_DerivesErrorCodeAsOtelErrorType(int status, int? jsonRpcErrorCode, bool? isError, string? expected)
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { HttpStatus = status, JsonRpcErrorCode = jsonRpcErrorCode, IsError = isError });

        Assert.Equal(expected, record.ErrorCode);
        Assert.Equal(status, record.ResponseElements.HttpStatus);
        Assert.Equal(isError, record.ResponseElements.IsError);
        Assert.Equal(jsonRpcErrorCode, record.ResponseElements.JsonRpcErrorCode);
        AuditTestData.AssertMatchesSchema(AuditTestData.Serialize(record));
    }

    [Fact]
    public void Create_UpstreamErrorMessage_IsCappedAndScrubbed()
    {
        var jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMDV4eCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        var input = AuditTestData.FullInput() with { JsonRpcErrorCode = -32603, JsonRpcErrorMessage = $"Token {jwt} rejected " + new string('x', 1000) };

        var record = AuditTestData.Factory().Create(input);

        Assert.NotNull(record.ErrorMessage);
        Assert.True(record.ErrorMessage.Length <= AuditRecordFactory.MaxErrorChars);
        Assert.DoesNotContain(jwt, record.ErrorMessage, StringComparison.Ordinal);
        Assert.StartsWith("Token [REDACTED] rejected", record.ErrorMessage, StringComparison.Ordinal);
        Assert.EndsWith("[TRUNCATED]", record.ErrorMessage, StringComparison.Ordinal);
        AuditTestData.AssertMatchesSchema(AuditTestData.Serialize(record));
    }

    [Fact]
    public void Create_SessionId_IsRecordedOnlyAsTruncatedSha256()
    {
        const string sessionId = "sealed-session-id-abcdef0123456789";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)))[..32];

        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { ClientSessionId = sessionId });
        var json = AuditTestData.Serialize(record);

        Assert.Equal(expected, record.RequestParameters.SessionIdHash);
        Assert.DoesNotContain(sessionId, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_PublicMcpUrlConfigured_RecordsItExactly()
    {
        var options = AuditTestData.Options(static o => o.PublicMcpUrl = "https://MCP.Example.com:443/sf/mcp/");

        var record = AuditTestData.Factory(options).Create(AuditTestData.FullInput());

        Assert.Equal("https://MCP.Example.com:443/sf/mcp/", record.RequestParameters.EndpointUrl);
    }

    [Fact]
    public void Create_NoPublicMcpUrl_DerivesFromRequestWithoutQuery()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("gw.example.com:8443");
        context.Request.PathBase = "/sf";
        context.Request.Path = "/mcp";
        context.Request.QueryString = new QueryString("?api_key=should-not-appear");

        var record = AuditTestData.Factory(AuditTestData.Options(static o => o.PublicMcpUrl = null)).Create(AuditEventInput.FromHttpContext(context));

        Assert.Equal("https://gw.example.com:8443/sf/mcp", record.RequestParameters.EndpointUrl);
        Assert.DoesNotContain("should-not-appear", AuditTestData.Serialize(record), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UpstreamEndpoint_DropsQuery()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput());

        Assert.Equal("https://api.salesforce.com/platform/mcp/v1/sobject-reads", record.RequestParameters.UpstreamEndpoint);
    }

    [Fact]
    public void Create_UpstreamEndpointWithUserInfo_DropsIt()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { UpstreamEndpoint = new Uri("https://svc:pa55@upstream.example.com:8443/mcp?k=v#f") });

        Assert.Equal("https://upstream.example.com:8443/mcp", record.RequestParameters.UpstreamEndpoint);
    }

    [Fact]
    public void Create_ResourceUriWithCredentialInQuery_IsScrubbed()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { Method = "resources/read", Target = "sf://reports/00O1?access_token=tok-123456" });

        Assert.Equal("sf://reports/00O1?access_token=[REDACTED]", record.RequestParameters.Target);
    }

    [Theory]
    [InlineData("\"call-7\"", "call-7")]
    [InlineData("7", "7")]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("null", null)]
    [InlineData(null, null)]
    public void Create_JsonRpcId_IsRecordedAsString(string? idJson, string? expected)
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { JsonRpcIdJson = idJson });

        Assert.Equal(expected, record.RequestParameters.JsonRpcId);
    }

    [Theory]
    [InlineData("tools/call", true, true)]
    [InlineData("tools/call", false, false)]
    [InlineData("tools/call", null, false)]
    [InlineData("tools/list", null, true)]
    public void Create_ReadOnly_FollowsClassifier(string method, bool? hint, bool expected)
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { Method = method, ToolReadOnlyHint = hint });

        Assert.Equal(expected, record.ReadOnly);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("DELETE", false)]
    [InlineData("POST", false)]
    public void Create_NoMcpMethod_ReadOnlyFromHttpMethod(string httpMethod, bool expected)
    {
        var record = AuditTestData.Factory().Create(AuditTestData.MinimalInput() with { HttpMethod = httpMethod });

        Assert.Equal(expected, record.ReadOnly);
        Assert.Equal("HTTP " + httpMethod, record.EventName);
    }

    [Fact]
    public void Create_ArgumentsDisabled_RecordsNoArguments()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput());

        Assert.Null(record.RequestParameters.Arguments);
        Assert.DoesNotContain("SELECT Id", AuditTestData.Serialize(record), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ArgumentsEnabled_RecordsRedactedArgumentsOfToolsCall()
    {
        var record = AuditTestData.Factory(AuditTestData.Options(static o => o.IncludeArguments = true)).Create(AuditTestData.FullInput());

        var arguments = record.RequestParameters.Arguments!.Value;
        Assert.Equal("SELECT Id FROM Account", arguments.GetProperty("q").GetString());
        Assert.Equal("[REDACTED]", arguments.GetProperty("password").GetString());
    }

    [Fact]
    public void Create_ArgumentsEnabledInBatch_ReadsTheMessageAtItsIndex()
    {
        var body = """[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"n":1}}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"b","arguments":{"n":2}}}]""";
        var factory = AuditTestData.Factory(AuditTestData.Options(static o => o.IncludeArguments = true));

        var record = factory.Create(AuditTestData.FullInput() with { RequestBody = Encoding.UTF8.GetBytes(body), MessageIndex = 1 });

        Assert.Equal(2, record.RequestParameters.Arguments!.Value.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Create_ArgumentsEnabledForOtherMethod_RecordsNone()
    {
        var factory = AuditTestData.Factory(AuditTestData.Options(static o => o.IncludeArguments = true));

        var record = factory.Create(AuditTestData.FullInput() with { Method = "resources/read" });

        Assert.Null(record.RequestParameters.Arguments);
    }

    [Theory]
    [InlineData(SslProtocols.Tls13, "TLSv1.3")]
    [InlineData(SslProtocols.Tls12, "TLSv1.2")]
    public void Create_Tls_RecordsCloudTrailVersionNameCipherAndHost(SslProtocols protocol, string expected)
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { TlsProtocol = protocol });

        Assert.Equal(expected, record.TlsDetails!.TlsVersion);
        Assert.Equal("TLS_AES_128_GCM_SHA256", record.TlsDetails.CipherSuite);
        Assert.Equal("gateway.example.com", record.TlsDetails.ClientProvidedHostHeader);
    }

    [Fact]
    public void Create_PlainHttp_HasNoTlsDetails()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.FullInput() with { TlsProtocol = null, TlsCipherSuite = null });

        Assert.Null(record.TlsDetails);
    }

    [Fact]
    public void Create_Time_IsCompletionFromClockAndEventIdsAreUniqueVersion7()
    {
        var factory = AuditTestData.Factory();

        var first = factory.Create(AuditTestData.MinimalInput());
        var second = factory.Create(AuditTestData.MinimalInput());

        Assert.Equal(AuditTestData.Now, first.EventTime);
        Assert.NotEqual(first.EventId, second.EventId);
        Assert.Equal(7, first.EventId.Version);
    }

    [Fact]
    public void Create_Options_SetSourceRegionAndAccount()
    {
        var options = AuditTestData.Options(static o =>
        {
            o.EventSource = "gateway.acme.internal";
            o.AwsRegion = "eu-central-1";
            o.RecipientAccountId = "444455556666";
        });

        var record = AuditTestData.Factory(options).Create(AuditTestData.MinimalInput());

        Assert.Equal("gateway.acme.internal", record.EventSource);
        Assert.Equal("eu-central-1", record.AwsRegion);
        Assert.Equal("444455556666", record.RecipientAccountId);
    }

    [Fact]
    public void Create_SpoofedForwardedForFromUntrustedPeer_RecordsThePeer()
    {
        var input = AuditTestData.FullInput() with { RemoteIpAddress = IPAddress.Parse("198.51.100.7"), ForwardedFor = "10.9.9.9" };

        var record = AuditTestData.Factory(AuditTestData.Options(static o => o.TrustedProxies = ["10.0.0.0/8"])).Create(input);

        Assert.Equal("198.51.100.7", record.SourceIPAddress);
    }

    [Fact]
    public void Create_ForwardedForFromTrustedProxy_RecordsTheClient()
    {
        var input = AuditTestData.FullInput() with { RemoteIpAddress = IPAddress.Parse("10.0.0.5"), ForwardedFor = "203.0.113.10" };

        var record = AuditTestData.Factory(AuditTestData.Options(static o => o.TrustedProxies = ["10.0.0.0/8"])).Create(input);

        Assert.Equal("203.0.113.10", record.SourceIPAddress);
    }

    [Fact]
    public void FromHttpContext_CapturesConnectionHeadersAndRequestId()
    {
        var context = new DefaultHttpContext { TraceIdentifier = "0HN:00000009" };
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost:8080");
        context.Request.Path = "/mcp";
        context.Request.Headers.UserAgent = "agent/2";
        context.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;

        var input = AuditEventInput.FromHttpContext(context);

        Assert.Equal("POST", input.HttpMethod);
        Assert.Equal("localhost:8080", input.Host);
        Assert.Equal("/mcp", input.Path);
        Assert.Equal("agent/2", input.UserAgent);
        Assert.Equal("203.0.113.9", input.ForwardedFor.ToString());
        Assert.Equal(IPAddress.Loopback, input.RemoteIpAddress);
        Assert.Equal("0HN:00000009", input.RequestId);
        Assert.Null(input.TlsProtocol);
    }

    [Fact]
    public void FromHttpContext_WithActivity_CapturesTraceAndSpan()
    {
        using var activity = new System.Diagnostics.Activity("test").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();

        var record = AuditTestData.Factory().Create(AuditEventInput.FromHttpContext(new DefaultHttpContext()) with { HttpStatus = 200 });

        Assert.Equal(activity.TraceId.ToHexString(), record.AdditionalEventData!.TraceId);
        Assert.Equal(activity.SpanId.ToHexString(), record.AdditionalEventData.SpanId);
        AuditTestData.AssertMatchesSchema(AuditTestData.Serialize(record));
    }

    [Fact]
    public void Create_AnonymousPrincipal_IsAGatewayPrincipalOfKindAnonymous()
    {
        var record = AuditTestData.Factory().Create(AuditTestData.MinimalInput() with { Principal = GatewayPrincipal.Anonymous });

        Assert.Equal("GatewayPrincipal", record.UserIdentity.Type);
        Assert.Equal("anonymous", record.UserIdentity.PrincipalId);
        Assert.Equal("Anonymous", record.UserIdentity.CredentialKind);
        using var json = JsonDocument.Parse(AuditTestData.Serialize(record));
        Assert.False(json.RootElement.GetProperty("userIdentity").TryGetProperty("onBehalfOf", out _));
    }
}
