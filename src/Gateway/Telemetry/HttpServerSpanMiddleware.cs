using System.Diagnostics;
using System.Globalization;
using Gateway.Health;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Gateway.Telemetry;

/// <summary>
/// Completes ASP.NET Core's own HTTP server span (source <c>Microsoft.AspNetCore</c>) per the HTTP semantic
/// conventions (http/http-spans.md): ASP.NET Core 10 sets the request's attributes as it creates the span
/// (method, scheme, host, port, path, User-Agent) but leaves the route, the name, the status code and the
/// outcome to an instrumentation; this is that instrumentation. OpenTelemetry's ASP.NET Core tracing library
/// does the same from a DiagnosticListener subscription, whose callbacks, payload lookups and propagator
/// extraction cost more per request than these few tags (the same choice as for HttpClient's span). Health
/// routes are not traced. Runs first in the pipeline, and only when tracing is on.
/// </summary>
internal sealed class HttpServerSpanMiddleware(RequestDelegate next)
{
    private const string HttpRequestMethod = "http.request.method";
    private const string HttpRoute = "http.route";
    private const string HttpResponseStatusCode = "http.response.status_code";

    /// <summary>The conventions' method for one outside the known set; such a span is named <c>HTTP</c>.</summary>
    private const string OtherMethod = "_OTHER";

    private static readonly PathString s_healthPath = HealthServiceCollectionExtensions.PathPrefix;

    /// <summary>Status codes boxed once (an attribute value is an object).</summary>
    private static readonly object[] s_boxedStatusCodes = [.. Enumerable.Range(0, 600).Select(static code => (object)code)];

    /// <summary>The span name and route of the endpoint and method seen last.</summary>
    private NamedEndpoint? _lastNamed;

    public async Task InvokeAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is not { IsAllDataRequested: true })
        {
            await next(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments(s_healthPath))
        {
            // Neither exported nor sampled downstream: what OpenTelemetry's own request filter does.
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (e.g. while a token refresh was awaited): not the server's failure, and no
            // status code reached anyone unless the response had begun.
            Complete(activity, context, context.Response.HasStarted ? context.Response.StatusCode : null);
            throw;
        }
        catch (Exception exception)
        {
            // "error.type: the exception's fully-qualified type" when the request ended in one (http-spans.md).
            activity.SetTag(GatewayTags.ErrorType, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
            Complete(activity, context, context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status500InternalServerError);
            throw;
        }

        Complete(activity, context, context.Response.StatusCode);
    }

    private void Complete(Activity activity, HttpContext context, int? statusCode)
    {
        var endpoint = context.GetEndpoint();
        var method = context.Request.Method;
        var named = _lastNamed;
        if (named is null || !ReferenceEquals(named.Endpoint, endpoint) || !string.Equals(named.Method, method, StringComparison.Ordinal))
        {
            // Nearly every request is a POST to the MCP endpoint: its name is worked out once, not per request.
            named = _lastNamed = Name(endpoint, method, activity.GetTagItem(HttpRequestMethod) as string);
        }

        if (named.Route is not null)
        {
            activity.SetTag(HttpRoute, named.Route);
        }

        activity.DisplayName = named.Name;
        activity.SetTag(GatewayTags.NetworkProtocolVersion, GatewayTags.NetworkProtocolVersionOf(context.Request.Protocol));
        if (statusCode is not { } status)
        {
            return;
        }

        activity.SetTag(HttpResponseStatusCode, status is >= 0 and < 600 ? s_boxedStatusCodes[status] : status);

        // A server span fails on 5xx only: a 4xx is the client's error (http-spans.md, "Status"). A refusal the
        // gateway already described (error.type set to its JSON-RPC code) keeps that description.
        if (status >= 500)
        {
            if (activity.GetTagItem(GatewayTags.ErrorType) is null)
            {
                activity.SetTag(GatewayTags.ErrorType, status.ToString(CultureInfo.InvariantCulture));
            }

            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>
    /// "{method} {http.route}", or "{method}" without a route, or "HTTP" for a method outside the known set
    /// (http-spans.md, "Name"); <paramref name="conventionalMethod"/> is the <c>http.request.method</c>
    /// ASP.NET Core gave the span, <c>_OTHER</c> for such a method.
    /// </summary>
    private static NamedEndpoint Name(Endpoint? endpoint, string method, string? conventionalMethod)
    {
        var route = endpoint?.Metadata.GetMetadata<IRouteDiagnosticsMetadata>()?.Route;
        var name = conventionalMethod is null or OtherMethod ? "HTTP" : conventionalMethod;
        return string.IsNullOrEmpty(route)
            ? new NamedEndpoint(endpoint, method, null, name)
            : new NamedEndpoint(endpoint, method, route, string.Concat(name, " ", route));
    }

    private sealed record NamedEndpoint(Endpoint? Endpoint, string Method, string? Route, string Name);
}
