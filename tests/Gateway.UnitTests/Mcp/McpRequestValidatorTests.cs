using System.Text;
using Gateway.Mcp;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Mcp;

public sealed class McpRequestValidatorTests
{
    // --- POST and GET media types --------------------------------------------------------------

    [Theory]
    [InlineData("application/json, text/event-stream")]
    [InlineData("text/event-stream, application/json")]
    [InlineData("APPLICATION/JSON, Text/Event-Stream")]
    [InlineData("application/json;q=0.9, text/event-stream;q=0.5")]
    [InlineData("application/json; charset=utf-8, text/event-stream")]
    [InlineData("text/html, application/json, */*;q=0.1, text/event-stream")]
    public void CheckPostHeaders_AcceptListsBoth_ReturnsNull(string accept)
    {
        var request = Post(accept, "application/json");

        Assert.Null(McpRequestValidator.CheckPostHeaders(request));
    }

    [Fact]
    public void CheckPostHeaders_AcceptBothInSeparateHeaderLines_ReturnsNull()
    {
        var request = Post(null, "application/json");
        request.Headers.Accept = new(["application/json", "text/event-stream"]);

        Assert.Null(McpRequestValidator.CheckPostHeaders(request));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("text/event-stream")]
    [InlineData("*/*")]
    [InlineData("application/json, text/event-stream;q=0")]
    [InlineData("application/json;q=0, text/event-stream")]
    [InlineData("application/json; q=0.0, text/event-stream")]
    [InlineData("application/json-seq, text/event-stream")]
    [InlineData("application/json, text/event-streams")]
    public void CheckPostHeaders_AcceptMissingOneType_Returns406(string? accept)
    {
        var request = Post(accept, "application/json");

        var rejection = McpRequestValidator.CheckPostHeaders(request);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status406NotAcceptable, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal("not_acceptable", rejection.Reason);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    public void CheckPostHeaders_JsonContentType_ReturnsNull(string contentType)
    {
        var request = Post("application/json, text/event-stream", contentType);

        Assert.Null(McpRequestValidator.CheckPostHeaders(request));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("text/json")]
    [InlineData("application/jsonp")]
    [InlineData("application/json-seq")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("not a media type")]
    public void CheckPostHeaders_OtherContentType_Returns415(string? contentType)
    {
        var request = Post("application/json, text/event-stream", contentType);

        var rejection = McpRequestValidator.CheckPostHeaders(request);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, rejection.StatusCode);
        Assert.Equal("unsupported_media_type", rejection.Reason);
    }

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("application/json, text/event-stream")]
    [InlineData("text/event-stream;q=0.5")]
    public void CheckGetHeaders_AcceptListsEventStream_ReturnsNull(string accept)
    {
        var request = Get(accept);

        Assert.Null(McpRequestValidator.CheckGetHeaders(request));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("text/event-stream;q=0")]
    [InlineData("*/*")]
    public void CheckGetHeaders_AcceptWithoutEventStream_Returns406(string? accept)
    {
        var request = Get(accept);

        var rejection = McpRequestValidator.CheckGetHeaders(request);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status406NotAcceptable, rejection.StatusCode);
        Assert.Equal("not_acceptable", rejection.Reason);
    }

    // --- Protocol version --------------------------------------------------------------------------

    [Fact]
    public void CheckProtocolVersion_HeaderAbsent_Assumes20250326()
    {
        var validator = Validator(new McpOptions());

        var rejection = validator.CheckProtocolVersion(new DefaultHttpContext().Request, out var version, out var era);

        Assert.Null(rejection);
        Assert.Equal("2025-03-26", version);
        Assert.Equal(ProtocolEra.Batching, era);
    }

    [Theory]
    [InlineData("2024-11-05", (int)ProtocolEra.Batching)]
    [InlineData("2025-03-26", (int)ProtocolEra.Batching)]
    [InlineData("2025-06-18", (int)ProtocolEra.Sessions)]
    [InlineData("2025-11-25", (int)ProtocolEra.Sessions)]
    [InlineData("2026-07-28", (int)ProtocolEra.Stateless)]
    [InlineData(" 2025-06-18 ", (int)ProtocolEra.Sessions)]
    public void CheckProtocolVersion_KnownVersion_ReturnsItsEra(string header, int expectedEra)
    {
        var validator = Validator(new McpOptions());
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.ProtocolVersion] = header;

        var rejection = validator.CheckProtocolVersion(request, out var version, out var era);

        Assert.Null(rejection);
        Assert.Equal(header.Trim(), version);
        Assert.Equal((ProtocolEra)expectedEra, era);
    }

    [Theory]
    [InlineData("2099-01-01")]
    [InlineData("")]
    [InlineData("2025-06-18, 2025-03-26")]
    [InlineData("2025-6-18")]
    [InlineData("latest")]
    public void CheckProtocolVersion_UnknownVersion_Returns400WithSupportedVersions(string header)
    {
        var options = new McpOptions();
        var validator = Validator(options);
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.ProtocolVersion] = header;

        var rejection = validator.CheckProtocolVersion(request, out _, out _);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status400BadRequest, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.UnsupportedProtocolVersion, rejection.Code);
        Assert.Equal(-32022, rejection.Code);
        Assert.Equal("unsupported_protocol_version", rejection.Reason);
        Assert.Equal(header.Trim(), rejection.RequestedVersion);
        Assert.Equal(options.SupportedProtocolVersions, rejection.SupportedVersions);
    }

    [Fact]
    public void CheckProtocolVersion_VeryLongVersion_IsTruncatedInTheRejection()
    {
        var validator = Validator(new McpOptions());
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.ProtocolVersion] = new string('9', 10_000);

        var rejection = validator.CheckProtocolVersion(request, out _, out _);

        Assert.NotNull(rejection);
        Assert.True(rejection.RequestedVersion!.Length <= 64);
        Assert.True(rejection.Message.Length < 200);
    }

    [Theory]
    [InlineData("2025-03-26")]
    [InlineData("2026-07-28")]
    [InlineData(null)]
    public void CheckProtocolVersion_KnownButNotConfigured_Returns400(string? header)
    {
        var validator = Validator(new McpOptions { SupportedProtocolVersions = ["2025-06-18", "2025-11-25"] });
        var request = new DefaultHttpContext().Request;
        if (header is not null)
        {
            request.Headers[McpHeaders.ProtocolVersion] = header;
        }

        var rejection = validator.CheckProtocolVersion(request, out _, out _);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status400BadRequest, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.UnsupportedProtocolVersion, rejection.Code);
        Assert.Equal(new[] { "2025-06-18", "2025-11-25" }, rejection.SupportedVersions);
        Assert.Equal(header ?? "2025-03-26", rejection.RequestedVersion);
    }

    [Fact]
    public void CheckProtocolVersion_ConfiguredSubset_AcceptsTheConfiguredVersion()
    {
        var validator = Validator(new McpOptions { SupportedProtocolVersions = ["2025-06-18"] });
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.ProtocolVersion] = "2025-06-18";

        Assert.Null(validator.CheckProtocolVersion(request, out var version, out var era));
        Assert.Equal("2025-06-18", version);
        Assert.Equal(ProtocolEra.Sessions, era);
    }

    // --- Session id shape ----------------------------------------------------------------------

    [Theory]
    [InlineData("abc")]
    [InlineData("1868a90c-5c4b-4c4f-9a4e-3d3e0c7a1b2f")]
    [InlineData("!~")]
    [InlineData("CfDJ8Nq-_x")]
    public void CheckSessionIdShape_VisibleAscii_ReturnsTheId(string sessionId)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.SessionId] = sessionId;

        var rejection = McpRequestValidator.CheckSessionIdShape(request, ProtocolEra.Sessions, out var id);

        Assert.Null(rejection);
        Assert.Equal(sessionId, id);
    }

    [Fact]
    public void CheckSessionIdShape_EveryVisibleAsciiCharacter_IsAccepted()
    {
        var all = new string([.. Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(static c => (char)c)]);
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.SessionId] = all;

        Assert.Null(McpRequestValidator.CheckSessionIdShape(request, ProtocolEra.Batching, out var id));
        Assert.Equal(all, id);
    }

    [Fact]
    public void CheckSessionIdShape_Absent_ReturnsNullAndNoId()
    {
        var rejection = McpRequestValidator.CheckSessionIdShape(new DefaultHttpContext().Request, ProtocolEra.Sessions, out var id);

        Assert.Null(rejection);
        Assert.Null(id);
    }

    [Fact]
    public void CheckSessionIdShape_AbsentInStatelessEra_ReturnsNull()
    {
        Assert.Null(McpRequestValidator.CheckSessionIdShape(new DefaultHttpContext().Request, ProtocolEra.Stateless, out var id));
        Assert.Null(id);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData(" abc")]
    [InlineData("abc\t")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007Fb")]
    [InlineData("abcé")]
    [InlineData("ab\u200Bc")]
    [InlineData("")]
    public void CheckSessionIdShape_NotVisibleAscii_Returns400(string sessionId)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.SessionId] = sessionId;

        var rejection = McpRequestValidator.CheckSessionIdShape(request, ProtocolEra.Sessions, out var id);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status400BadRequest, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejection.Code);
        Assert.Equal("invalid_session_id", rejection.Reason);
        Assert.Null(id);
    }

    [Fact]
    public void CheckSessionIdShape_TwoHeaderValues_Returns400()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.SessionId] = new(["abc", "def"]);

        var rejection = McpRequestValidator.CheckSessionIdShape(request, ProtocolEra.Sessions, out var id);

        Assert.NotNull(rejection);
        Assert.Equal("invalid_session_id", rejection.Reason);
        Assert.Null(id);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a b")]
    [InlineData("")]
    public void CheckSessionIdShape_AnyIdInStatelessEra_Returns400(string sessionId)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.SessionId] = sessionId;

        var rejection = McpRequestValidator.CheckSessionIdShape(request, ProtocolEra.Stateless, out var id);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status400BadRequest, rejection.StatusCode);
        Assert.Equal("session_not_supported", rejection.Reason);
        Assert.Null(id);
    }

    // --- 2026-07-28 standard headers -----------------------------------------------------------

    [Theory]
    [InlineData("tools/list", "tools/list", null)]
    [InlineData("tools/list", " tools/list ", null)]
    [InlineData("tools/call", "tools/call", "get_weather")]
    [InlineData("prompts/get", "prompts/get", "greet")]
    [InlineData("resources/read", "resources/read", "file:///a b.txt")]
    [InlineData("tools/call", "tools/call", "=?base64?Y2Fmw6kg4piV?=")]
    public void CheckStandardHeaders_MatchingHeaders_ReturnsNull(string method, string methodHeader, string? nameHeader)
    {
        var target = method switch
        {
            "tools/call" when nameHeader!.StartsWith("=?", StringComparison.Ordinal) => "café ☕",
            "tools/call" or "prompts/get" or "resources/read" => nameHeader,
            _ => null,
        };
        var message = Request(method, target);
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.Method] = methodHeader;
        if (nameHeader is not null)
        {
            request.Headers[McpHeaders.Name] = nameHeader;
        }

        Assert.Null(McpRequestValidator.CheckStandardHeaders(request, message));
    }

    [Fact]
    public void CheckStandardHeaders_NotificationWithMcpMethod_ReturnsNull()
    {
        var message = new JsonRpcMessage { Kind = JsonRpcKind.Notification, Method = "notifications/cancelled" };
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.Method] = "notifications/cancelled";

        Assert.Null(McpRequestValidator.CheckStandardHeaders(request, message));
    }

    [Fact]
    public void CheckStandardHeaders_NotificationWithoutMcpMethod_Returns32020()
    {
        var message = new JsonRpcMessage { Kind = JsonRpcKind.Notification, Method = "notifications/cancelled" };

        var rejection = McpRequestValidator.CheckStandardHeaders(new DefaultHttpContext().Request, message);

        Assert.NotNull(rejection);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, rejection.Code);
        Assert.Equal("missing_mcp_method", rejection.Reason);
        Assert.Null(rejection.IdJson);
    }

    [Fact]
    public void CheckStandardHeaders_Response_NeedsNoHeaders()
    {
        var message = new JsonRpcMessage { Kind = JsonRpcKind.Response, IdJson = "3" };

        Assert.Null(McpRequestValidator.CheckStandardHeaders(new DefaultHttpContext().Request, message));
    }

    public static TheoryData<string, string?, string?, string?, string> Mismatches => new()
    {
        // method, target, Mcp-Method, Mcp-Name, reason
        { "tools/list", null, null, null, "missing_mcp_method" },
        { "tools/list", null, "tools/call", null, "mcp_method_mismatch" },
        { "tools/list", null, "Tools/List", null, "mcp_method_mismatch" },
        { "tools/list", null, "", null, "mcp_method_mismatch" },
        { "tools/call", "get_weather", null, "get_weather", "missing_mcp_method" },
        { "tools/call", "get_weather", "tools/call", null, "missing_mcp_name" },
        { "tools/call", "get_weather", "tools/call", "get_time", "mcp_name_mismatch" },
        { "tools/call", "get_weather", "tools/call", "Get_Weather", "mcp_name_mismatch" },
        { "tools/call", "get_weather", "tools/call", "", "mcp_name_mismatch" },
        { "tools/call", "café", "tools/call", "café", "invalid_mcp_name" },
        { "tools/call", "café", "tools/call", "=?base64?not base64!?=", "invalid_mcp_name" },
        { "tools/call", "café", "tools/call", "=?base64?wyg=?=", "invalid_mcp_name" },
        { "tools/call", "café", "tools/call", "=?base64?Y2FmZQ==?=", "mcp_name_mismatch" },
        { "tools/call", "a\tb", "tools/call", "a\tb", "invalid_mcp_name" },
        { "prompts/get", "greet", "prompts/get", null, "missing_mcp_name" },
        { "resources/read", "file:///a.txt", "resources/read", "file:///b.txt", "mcp_name_mismatch" },
        { "resources/read", "file:///a.txt", "resources/read", null, "missing_mcp_name" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void CheckStandardHeaders_MissingOrMismatched_Returns32020(string method, string? target, string? methodHeader, string? nameHeader, string reason)
    {
        var message = Request(method, target);
        var request = new DefaultHttpContext().Request;
        if (methodHeader is not null)
        {
            request.Headers[McpHeaders.Method] = methodHeader;
        }

        if (nameHeader is not null)
        {
            request.Headers[McpHeaders.Name] = nameHeader;
        }

        var rejection = McpRequestValidator.CheckStandardHeaders(request, message);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status400BadRequest, rejection.StatusCode);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, rejection.Code);
        Assert.Equal(-32020, rejection.Code);
        Assert.Equal(reason, rejection.Reason);
        Assert.Equal("\"r-1\"", rejection.IdJson);
    }

    [Theory]
    [InlineData("plain-name", "plain-name")]
    [InlineData("with space", "with space")]
    [InlineData("=?base64?aGVsbG8=?=", "hello")]
    [InlineData("=?base64?5pel5pys6Kqe?=", "日本語")]
    [InlineData("=?base64??=", "")]
    public void DecodeHeaderValue_ValidValue_ReturnsTheName(string header, string expected)
    {
        Assert.Equal(expected, McpRequestValidator.DecodeHeaderValue(header));
    }

    [Theory]
    [InlineData("naïve")]
    [InlineData("a\u0000b")]
    [InlineData("=?base64?***?=")]
    [InlineData("=?base64?/w==?=")]
    public void DecodeHeaderValue_InvalidValue_ReturnsNull(string header)
    {
        Assert.Null(McpRequestValidator.DecodeHeaderValue(header));
    }

    [Fact]
    public void CheckStandardHeaders_Base64NameFromScannedBody_Matches()
    {
        var name = "outil-été";
        var body = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + name + "\"}}");
        Assert.True(JsonRpcScanner.TryScan(body, 64, false, ProtocolVersions.V2026_07_28, out var message, out _));
        var request = new DefaultHttpContext().Request;
        request.Headers[McpHeaders.Method] = "tools/call";
        request.Headers[McpHeaders.Name] = "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(name)) + "?=";

        Assert.Null(McpRequestValidator.CheckStandardHeaders(request, message.First));
    }

    // --- Origin and Host -----------------------------------------------------------------------

    [Fact]
    public void CheckOriginAndHost_NoOrigin_ReturnsNull()
    {
        var validator = Validator(new McpOptions());

        Assert.Null(validator.CheckOriginAndHost(WithHost(new DefaultHttpContext().Request, "gateway.example.com")));
    }

    [Theory]
    [InlineData("https://console.example.com")]
    [InlineData("HTTPS://CONSOLE.EXAMPLE.COM")]
    [InlineData("http://localhost:3000")]
    public void CheckOriginAndHost_AllowedOrigin_ReturnsNull(string origin)
    {
        var validator = Validator(new McpOptions { AllowedOrigins = ["https://console.example.com/", "http://localhost:3000"] });
        var request = new DefaultHttpContext().Request;
        request.Headers.Origin = origin;

        Assert.Null(validator.CheckOriginAndHost(request));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    [InlineData("http://console.example.com")]
    [InlineData("https://console.example.com:8443")]
    [InlineData("https://console.example.com.evil.example")]
    [InlineData("http://localhost:3001")]
    [InlineData("")]
    public void CheckOriginAndHost_OtherOrigin_Returns403(string origin)
    {
        var validator = Validator(new McpOptions { AllowedOrigins = ["https://console.example.com", "http://localhost:3000"] });
        var request = new DefaultHttpContext().Request;
        request.Headers.Origin = origin;

        var rejection = validator.CheckOriginAndHost(request);

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status403Forbidden, rejection.StatusCode);
        Assert.Equal("origin_not_allowed", rejection.Reason);
        Assert.Contains("Gateway:Mcp:AllowedOrigins", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckOriginAndHost_AnyOriginWithNoneConfigured_Returns403()
    {
        var validator = Validator(new McpOptions());
        var request = new DefaultHttpContext().Request;
        request.Headers.Origin = "http://localhost";

        Assert.Equal(StatusCodes.Status403Forbidden, validator.CheckOriginAndHost(request)?.StatusCode);
    }

    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]:8080")]
    [InlineData("LOCALHOST")]
    [InlineData("gateway.internal:8080")]
    public void CheckOriginAndHost_LoopbackServerAndLocalHost_ReturnsNull(string host)
    {
        var validator = Validator(new McpOptions { AllowedHosts = ["gateway.internal"] }, new FakeServer("http://127.0.0.1:8080", "http://[::1]:8080"));

        Assert.Null(validator.CheckOriginAndHost(WithHost(new DefaultHttpContext().Request, host)));
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8080")]
    [InlineData("127.0.0.2")]
    public void CheckOriginAndHost_LoopbackServerAndForeignHost_Returns403(string host)
    {
        // DNS rebinding: a page on evil.example resolves its own name to 127.0.0.1.
        var validator = Validator(new McpOptions(), new FakeServer("http://localhost:8080"));

        var rejection = validator.CheckOriginAndHost(WithHost(new DefaultHttpContext().Request, host));

        Assert.NotNull(rejection);
        Assert.Equal(StatusCodes.Status403Forbidden, rejection.StatusCode);
        Assert.Equal("host_not_allowed", rejection.Reason);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://*:8080")]
    [InlineData("http://127.0.0.1:8080", "http://10.0.0.5:8080")]
    public void CheckOriginAndHost_NonLoopbackServer_DoesNotCheckHost(params string[] addresses)
    {
        var validator = Validator(new McpOptions(), new FakeServer(addresses));

        Assert.Null(validator.CheckOriginAndHost(WithHost(new DefaultHttpContext().Request, "gateway.example.com")));
    }

    // --- Helpers -------------------------------------------------------------------------------

    private static McpRequestValidator Validator(McpOptions options, IServer? server = null) => new(Options.Create(options), server);

    private static JsonRpcMessage Request(string method, string? target) =>
        new() { Kind = JsonRpcKind.Request, Method = method, Target = target, IdJson = "\"r-1\"" };

    private static HttpRequest Post(string? accept, string? contentType)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = HttpMethods.Post;
        if (accept is not null)
        {
            request.Headers.Accept = accept;
        }

        if (contentType is not null)
        {
            request.ContentType = contentType;
        }

        return request;
    }

    private static HttpRequest Get(string? accept)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = HttpMethods.Get;
        if (accept is not null)
        {
            request.Headers.Accept = accept;
        }

        return request;
    }

    private static HttpRequest WithHost(HttpRequest request, string host)
    {
        request.Host = new HostString(host);
        return request;
    }

    private sealed class FakeServer : IServer
    {
        public FakeServer(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
