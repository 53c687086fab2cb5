using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using Gateway.Health;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Gateway.Telemetry;

/// <summary>
/// Completes ASP.NET Core's own HTTP server span (source <c>Microsoft.AspNetCore</c>) per the HTTP semantic
/// conventions (http/http-spans.md): ASP.NET Core 10 creates the span but leaves its attributes, name and
/// outcome to an instrumentation; this is that instrumentation. As the request ends it sets the request's
/// attributes (method, scheme, host, port, path, User-Agent: the ones ASP.NET Core itself would set at the
/// span's creation when <see cref="TelemetryServiceCollectionExtensions.SuppressAspNetCoreActivityDataSwitch"/>
/// is turned off, and then only if it did not), the route, the name, the status code and the outcome.
/// OpenTelemetry's ASP.NET Core tracing library does the same from a DiagnosticListener subscription, whose
/// callbacks, payload lookups and propagator extraction cost more per request than these few tags (the same
/// choice as for HttpClient's span). Health routes are not traced. Runs first in the pipeline, and only when
/// tracing is on.
/// </summary>
internal sealed class HttpServerSpanMiddleware(RequestDelegate next)
{
    private const string HttpRequestMethod = "http.request.method";
    private const string HttpRequestMethodOriginal = "http.request.method_original";
    private const string HttpRoute = "http.route";
    private const string HttpResponseStatusCode = "http.response.status_code";
    private const string ServerAddress = "server.address";
    private const string ServerPort = "server.port";
    private const string UrlPath = "url.path";
    private const string UrlScheme = "url.scheme";
    private const string UserAgentOriginal = "user_agent.original";

    /// <summary>The conventions' method for one outside the known set; such a span is named <c>HTTP</c>.</summary>
    private const string OtherMethod = "_OTHER";

    /// <summary>
    /// The conventions' known methods (the registry's <c>http.request.method</c> values, QUERY included, as
    /// ASP.NET Core 10 and OpenTelemetry's instrumentations have them), matched without regard to case.
    /// </summary>
    private static readonly FrozenSet<string> s_knownMethods = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "PATCH", "CONNECT", "QUERY");

    private static readonly PathString s_healthPath = HealthServiceCollectionExtensions.PathPrefix;

    /// <summary>Status codes boxed once (an attribute value is an object).</summary>
    private static readonly object[] s_boxedStatusCodes = [.. Enumerable.Range(0, 600).Select(static code => (object)code)];

    /// <summary>The span name, route and conventional method of the endpoint and method seen last.</summary>
    private NamedEndpoint? _lastNamed;

    /// <summary>The <c>server.*</c> attributes of the <c>Host</c> header seen last.</summary>
    private ServerAuthority? _lastAuthority;

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
        var request = context.Request;
        var endpoint = context.GetEndpoint();
        var method = request.Method;
        var named = _lastNamed;
        if (named is null || !ReferenceEquals(named.Endpoint, endpoint) || !string.Equals(named.Method, method, StringComparison.Ordinal))
        {
            // Nearly every request is a POST to the MCP endpoint: its name is worked out once, not per request.
            named = _lastNamed = Name(endpoint, method);
        }

        // AddTag, not SetTag, for what nothing else sets on this span: SetTag searches the span's tags first.
        if (activity.GetTagItem(HttpRequestMethod) is null)
        {
            // ASP.NET Core did not set them at the span's creation (the gateway's default; the reason is where
            // TelemetryServiceCollectionExtensions sets SuppressAspNetCoreActivityDataSwitch).
            AddRequestAttributes(activity, request, named);
        }

        if (named.Route is not null)
        {
            activity.AddTag(HttpRoute, named.Route);
        }

        activity.DisplayName = named.Name;
        activity.AddTag(GatewayTags.NetworkProtocolVersion, GatewayTags.NetworkProtocolVersionOf(request.Protocol));
        if (statusCode is not { } status)
        {
            return;
        }

        activity.AddTag(HttpResponseStatusCode, status is >= 0 and < 600 ? s_boxedStatusCodes[status] : status);

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

    /// <summary>The attributes ASP.NET Core would have set at the span's creation, with its values.</summary>
    private void AddRequestAttributes(Activity activity, HttpRequest request, NamedEndpoint named)
    {
        if (request.Host.HasValue)
        {
            var host = request.Host.Value!;
            var authority = _lastAuthority;
            if (authority is null || !string.Equals(authority.Host, host, StringComparison.Ordinal))
            {
                // One gateway answers to one or a few host names: parsed once each, not per request.
                var port = request.Host.Port;
                authority = _lastAuthority = new ServerAuthority(host, request.Host.Host, port is { } p ? p : null);
            }

            activity.AddTag(ServerAddress, authority.Address);
            if (authority.Port is not null)
            {
                activity.AddTag(ServerPort, authority.Port);
            }
        }

        activity.AddTag(HttpRequestMethod, named.ConventionalMethod);
        if (!string.Equals(named.ConventionalMethod, request.Method, StringComparison.Ordinal))
        {
            activity.AddTag(HttpRequestMethodOriginal, request.Method);
        }

        if (request.Headers.UserAgent is { Count: > 0 } userAgent)
        {
            activity.AddTag(UserAgentOriginal, userAgent.ToString());
        }

        activity.AddTag(UrlScheme, request.Scheme);
        activity.AddTag(UrlPath, request.PathBase.HasValue ? (request.PathBase + request.Path).Value : request.Path.Value);
    }

    /// <summary>
    /// "{method} {http.route}", or "{method}" without a route, or "HTTP" for a method outside the known set
    /// (http-spans.md, "Name"), where the method is the conventional one: a known method in upper case, any
    /// other <c>_OTHER</c> (http-spans.md, <c>http.request.method</c>).
    /// </summary>
    private static NamedEndpoint Name(Endpoint? endpoint, string method)
    {
        var route = endpoint?.Metadata.GetMetadata<IRouteDiagnosticsMetadata>()?.Route;
        // The set's own spelling: upper case, and the same interned string Kestrel uses for a known method.
        var conventional = s_knownMethods.TryGetValue(method, out var known) ? known : OtherMethod;
        var name = conventional == OtherMethod ? "HTTP" : conventional;
        return string.IsNullOrEmpty(route)
            ? new NamedEndpoint(endpoint, method, conventional, null, name)
            : new NamedEndpoint(endpoint, method, conventional, route, string.Concat(name, " ", route));
    }

    private sealed record NamedEndpoint(Endpoint? Endpoint, string Method, string ConventionalMethod, string? Route, string Name);

    /// <summary>A <c>Host</c> header's <c>server.address</c>, and its <c>server.port</c> boxed, when it names one.</summary>
    private sealed record ServerAuthority(string Host, string Address, object? Port);
}
