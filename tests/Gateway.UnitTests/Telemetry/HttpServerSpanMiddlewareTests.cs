using System.Diagnostics;
using Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Gateway.UnitTests.Telemetry;

/// <summary>
/// What real requests through the gateway seldom reach: an exception, a request its client abandoned, a method
/// outside the known set or in lower case, a span not recorded, request attributes ASP.NET Core already set,
/// one middleware naming requests to different endpoints and hosts in turn. The usual outcomes are asserted on
/// real spans in the integration tests' TelemetryTests.
/// </summary>
public sealed class HttpServerSpanMiddlewareTests
{
    [Fact]
    public async Task AnException_NamesItsType_FailsTheSpan_AndIsRethrown()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/mcp", route: "/mcp");
        var middleware = new HttpServerSpanMiddleware(static _ => throw new InvalidOperationException("boom"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(context));

        Assert.Equal("System.InvalidOperationException", activity.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(500, activity.GetTagItem("http.response.status_code"));
        Assert.Equal("POST /mcp", activity.DisplayName);
    }

    [Fact]
    public async Task AClientThatWentAway_IsNoServerError()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/mcp", route: "/mcp");
        using var aborted = new CancellationTokenSource();
        context.RequestAborted = aborted.Token;
        var middleware = new HttpServerSpanMiddleware(c =>
        {
            aborted.Cancel();
            c.RequestAborted.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        });

        await Assert.ThrowsAsync<OperationCanceledException>(() => middleware.InvokeAsync(context));

        Assert.Null(activity.GetTagItem("error.type"));
        Assert.Null(activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
        Assert.Equal("POST /mcp", activity.DisplayName);
    }

    [Fact]
    public async Task ACancellationTheClientDidNotCause_IsAnError()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/mcp", route: "/mcp");
        var middleware = new HttpServerSpanMiddleware(static _ => throw new OperationCanceledException());

        await Assert.ThrowsAsync<OperationCanceledException>(() => middleware.InvokeAsync(context));

        Assert.Equal("System.OperationCanceledException", activity.GetTagItem("error.type"));
        Assert.Equal(500, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task AMethodOutsideTheKnownSet_IsNamedHttp_WithItsOriginalSpelling()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/elsewhere", route: null, method: "FOO");

        await new HttpServerSpanMiddleware(static c => { c.Response.StatusCode = 405; return Task.CompletedTask; }).InvokeAsync(context);

        Assert.Equal("HTTP", activity.DisplayName);
        Assert.Null(activity.GetTagItem("http.route"));
        Assert.Equal(405, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
        Assert.Null(activity.GetTagItem("error.type"));
        Assert.Equal("_OTHER", activity.GetTagItem("http.request.method"));
        Assert.Equal("FOO", activity.GetTagItem("http.request.method_original"));
    }

    [Fact]
    public async Task AKnownMethodInLowerCase_IsNamedInUpperCase_WithItsOriginalSpelling()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/mcp", route: "/mcp", method: "post");

        await new HttpServerSpanMiddleware(static _ => Task.CompletedTask).InvokeAsync(context);

        Assert.Equal("POST /mcp", activity.DisplayName);
        Assert.Equal("POST", activity.GetTagItem("http.request.method"));
        Assert.Equal("post", activity.GetTagItem("http.request.method_original"));
    }

    [Fact]
    public async Task TheRequestAttributes_AreSetOnceTheRequestEnds()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/mcp", route: "/mcp");
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("gateway.example.com:8443");
        context.Request.PathBase = "/base";
        context.Request.Headers.UserAgent = "agent/1.0";
        var atEnd = new TaskCompletionSource<object?>();
        var middleware = new HttpServerSpanMiddleware(c =>
        {
            atEnd.SetResult(c.Features.Get<IHttpActivityFeature>()!.Activity.GetTagItem("url.path"));
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(context);

        Assert.Null(await atEnd.Task);
        Assert.Equal("gateway.example.com", activity.GetTagItem("server.address"));
        Assert.Equal(8443, activity.GetTagItem("server.port"));
        Assert.Equal("POST", activity.GetTagItem("http.request.method"));
        Assert.Null(activity.GetTagItem("http.request.method_original"));
        Assert.Equal("agent/1.0", activity.GetTagItem("user_agent.original"));
        Assert.Equal("https", activity.GetTagItem("url.scheme"));
        Assert.Equal("/base/mcp", activity.GetTagItem("url.path"));
        Assert.Equal("/mcp", activity.GetTagItem("http.route"));
    }

    [Fact]
    public async Task RequestAttributesTheFrameworkSetAtCreation_AreNotAddedAgain()
    {
        // What ASP.NET Core does when an operator turns its start attributes on (SuppressActivityOpenTelemetryData=false).
        var activity = new Activity("HttpRequestIn");
        activity.SetTag("server.address", "127.0.0.1");
        activity.SetTag("http.request.method", "POST");
        activity.SetTag("url.scheme", "http");
        activity.SetTag("url.path", "/mcp");
        using var started = activity.Start();
        var context = Context(activity, "/mcp", route: "/mcp");
        context.Request.Host = new HostString("127.0.0.1:8080");

        await new HttpServerSpanMiddleware(static _ => Task.CompletedTask).InvokeAsync(context);

        Assert.Single(activity.TagObjects, static t => t.Key == "url.path");
        Assert.Single(activity.TagObjects, static t => t.Key == "http.request.method");
        Assert.DoesNotContain(activity.TagObjects, static t => t.Key == "server.port");
        Assert.Equal("POST /mcp", activity.DisplayName);
    }

    [Fact]
    public async Task AServerError_TheGatewayDescribed_KeepsItsErrorType()
    {
        using var activity = StartedSpan();
        var context = Context(activity, "/mcp", route: "/mcp");

        await new HttpServerSpanMiddleware(static c =>
        {
            c.Response.StatusCode = 503;
            c.Features.Get<IHttpActivityFeature>()!.Activity.SetTag("error.type", "-32002");
            return Task.CompletedTask;
        }).InvokeAsync(context);

        Assert.Equal("-32002", activity.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task ASpanNotRecorded_IsLeftAsItIs()
    {
        using var activity = StartedSpan();
        activity.IsAllDataRequested = false;
        var context = Context(activity, "/mcp", route: "/mcp");

        await new HttpServerSpanMiddleware(static c => { c.Response.StatusCode = 502; return Task.CompletedTask; }).InvokeAsync(context);

        Assert.Equal("HttpRequestIn", activity.DisplayName);
        Assert.Null(activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact]
    public async Task AHealthProbe_IsNeitherRecordedNorSampled()
    {
        using var activity = StartedSpan();
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var context = Context(activity, "/healthz/ready", route: "/healthz/ready");

        await new HttpServerSpanMiddleware(static _ => Task.CompletedTask).InvokeAsync(context);

        Assert.False(activity.IsAllDataRequested);
        Assert.False(activity.Recorded);
        Assert.Null(activity.GetTagItem("http.route"));
    }

    [Fact]
    public async Task EachRequest_IsNamedByItsOwnMethodAndRoute_AndAttributedToItsOwnHost()
    {
        var middleware = new HttpServerSpanMiddleware(static _ => Task.CompletedTask);
        var mcp = Endpoint("/mcp");
        var authorize = Endpoint("/authorize");
        (string Method, Endpoint Endpoint, string Host)[] requests =
            [("POST", mcp, "a.example:8080"), ("GET", mcp, "a.example:8080"), ("GET", authorize, "b.example"), ("POST", mcp, "a.example:8080")];
        var seen = new List<(string Name, object? Address, object? Port)>();

        foreach (var (method, endpoint, host) in requests)
        {
            using var activity = StartedSpan();
            var context = Context(activity, "/any", route: null, method);
            context.Request.Host = new HostString(host);
            context.SetEndpoint(endpoint);
            await middleware.InvokeAsync(context);
            seen.Add((activity.DisplayName, activity.GetTagItem("server.address"), activity.GetTagItem("server.port")));
        }

        Assert.Equal(
            [("POST /mcp", "a.example", 8080), ("GET /mcp", "a.example", 8080), ("GET /authorize", "b.example", null), ("POST /mcp", "a.example", 8080)],
            seen);
    }

    /// <summary>A span as ASP.NET Core creates it with the gateway's settings: no attributes yet.</summary>
    private static Activity StartedSpan() => new Activity("HttpRequestIn").Start();

    private static DefaultHttpContext Context(Activity activity, string path, string? route, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Protocol = "HTTP/1.1";
        context.Features.Set<IHttpActivityFeature>(new ActivityFeature(activity));
        if (route is not null)
        {
            context.SetEndpoint(Endpoint(route));
        }

        return context;
    }

    private static Endpoint Endpoint(string route) => new(static _ => Task.CompletedTask, new EndpointMetadataCollection(new RouteMetadata(route)), route);

    private sealed class ActivityFeature(Activity activity) : IHttpActivityFeature
    {
        public Activity Activity { get; set; } = activity;
    }

    private sealed record RouteMetadata(string Route) : IRouteDiagnosticsMetadata;
}
