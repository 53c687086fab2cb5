using System.Diagnostics;
using Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Gateway.UnitTests.Telemetry;

/// <summary>
/// What real requests through the gateway seldom reach: an exception, a request its client abandoned, a method
/// outside the known set, a span not recorded, one middleware naming requests to different endpoints in turn.
/// The usual outcomes are asserted on real spans in the integration tests' TelemetryTests.
/// </summary>
public sealed class HttpServerSpanMiddlewareTests
{
    [Fact]
    public async Task AnException_NamesItsType_FailsTheSpan_AndIsRethrown()
    {
        using var activity = StartedSpan("POST");
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
        using var activity = StartedSpan("POST");
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
        using var activity = StartedSpan("POST");
        var context = Context(activity, "/mcp", route: "/mcp");
        var middleware = new HttpServerSpanMiddleware(static _ => throw new OperationCanceledException());

        await Assert.ThrowsAsync<OperationCanceledException>(() => middleware.InvokeAsync(context));

        Assert.Equal("System.OperationCanceledException", activity.GetTagItem("error.type"));
        Assert.Equal(500, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task AMethodOutsideTheKnownSet_IsNamedHttp()
    {
        using var activity = StartedSpan("_OTHER");
        var context = Context(activity, "/elsewhere", route: null);

        await new HttpServerSpanMiddleware(static c => { c.Response.StatusCode = 405; return Task.CompletedTask; }).InvokeAsync(context);

        Assert.Equal("HTTP", activity.DisplayName);
        Assert.Null(activity.GetTagItem("http.route"));
        Assert.Equal(405, activity.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
        Assert.Null(activity.GetTagItem("error.type"));
    }

    [Fact]
    public async Task AServerError_TheGatewayDescribed_KeepsItsErrorType()
    {
        using var activity = StartedSpan("POST");
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
        using var activity = StartedSpan("POST");
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
        using var activity = StartedSpan("GET");
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var context = Context(activity, "/healthz/ready", route: "/healthz/ready");

        await new HttpServerSpanMiddleware(static _ => Task.CompletedTask).InvokeAsync(context);

        Assert.False(activity.IsAllDataRequested);
        Assert.False(activity.Recorded);
        Assert.Null(activity.GetTagItem("http.route"));
    }

    [Fact]
    public async Task EachRequest_IsNamedByItsOwnMethodAndRoute()
    {
        var middleware = new HttpServerSpanMiddleware(static _ => Task.CompletedTask);
        var mcp = Endpoint("/mcp");
        var authorize = Endpoint("/authorize");
        (string Method, Endpoint Endpoint)[] requests = [("POST", mcp), ("GET", mcp), ("GET", authorize), ("POST", mcp)];
        var names = new string[requests.Length];

        for (var i = 0; i < requests.Length; i++)
        {
            using var activity = StartedSpan(requests[i].Method);
            var context = Context(activity, "/any", route: null);
            context.Request.Method = requests[i].Method;
            context.SetEndpoint(requests[i].Endpoint);
            await middleware.InvokeAsync(context);
            names[i] = activity.DisplayName;
        }

        Assert.Equal(["POST /mcp", "GET /mcp", "GET /authorize", "POST /mcp"], names);
    }

    private static Activity StartedSpan(string method)
    {
        var activity = new Activity("HttpRequestIn");
        activity.SetTag("http.request.method", method);
        return activity.Start();
    }

    private static DefaultHttpContext Context(Activity activity, string path, string? route)
    {
        var context = new DefaultHttpContext();
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
