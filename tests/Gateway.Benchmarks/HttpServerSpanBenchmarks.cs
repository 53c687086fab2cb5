using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Gateway.Benchmarks;

/// <summary>
/// One whole request through ASP.NET Core hosting (its <c>IHttpApplication</c> called directly by an in-memory
/// server, as ASP.NET Core's own micro-benchmarks do: no socket, no thread switch; routing, then an endpoint
/// that answers 200 at once) with its HTTP server span recorded three ways: by OpenTelemetry's ASP.NET Core
/// instrumentation library (a DiagnosticListener subscription), which the gateway used until 2026-12-06; by
/// ASP.NET Core's own <c>Microsoft.AspNetCore</c> source with the framework's start attributes on, completed by
/// <see cref="HttpServerSpanMiddleware"/>, which it used next; and by that source with the start attributes
/// suppressed and set by the middleware as the request ends, which it uses now. The baseline records no span;
/// two more cases take the span apart: the bare span (the framework's attributes suppressed, no middleware) and
/// the span with the framework's start attributes (no middleware). No exporter: the recording is what is timed.
/// BenchmarkDotNet runs each case in its own process, so only one tracer provider ever listens.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class HttpServerSpanBenchmarks : IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly InMemoryServer _server = new();
    private readonly EndedSpans _ended = new();
    private WebApplication? _app;

    [GlobalSetup(Target = nameof(Untraced))]
    public void SetupUntraced() => Start(configureTracing: null);

    [GlobalSetup(Target = nameof(BareSpan))]
    public void SetupBareSpan() => Start(static tracing => tracing.AddSource(AspNetCoreSource), startAttributes: false, expectedName: null);

    [GlobalSetup(Target = nameof(SpanWithStartAttributes))]
    public void SetupSpanWithStartAttributes() => Start(static tracing => tracing.AddSource(AspNetCoreSource), expectedName: null);

    [GlobalSetup(Target = nameof(InstrumentationLibrary))]
    public void SetupInstrumentationLibrary() => Start(
        static tracing => tracing.AddAspNetCoreInstrumentation(static aspnet => aspnet.Filter = static context => !context.Request.Path.StartsWithSegments("/healthz")));

    [GlobalSetup(Target = nameof(StartAttributesAndMiddleware))]
    public void SetupStartAttributesAndMiddleware() => Start(static tracing => tracing.AddSource(AspNetCoreSource), useMiddleware: true);

    [GlobalSetup(Target = nameof(BuiltInSpanAndMiddleware))]
    public void SetupBuiltInSpanAndMiddleware() => Start(static tracing => tracing.AddSource(AspNetCoreSource), useMiddleware: true, startAttributes: false);

    [Benchmark(Baseline = true, Description = "no span recorded")]
    public Task Untraced() => _server.SendAsync();

    [Benchmark(Description = "ASP.NET Core's span, no attributes")]
    public Task BareSpan() => _server.SendAsync();

    [Benchmark(Description = "ASP.NET Core's span, start attributes")]
    public Task SpanWithStartAttributes() => _server.SendAsync();

    [Benchmark(Description = "OpenTelemetry's ASP.NET Core instrumentation")]
    public Task InstrumentationLibrary() => _server.SendAsync();

    [Benchmark(Description = "ASP.NET Core's span, start attributes + middleware")]
    public Task StartAttributesAndMiddleware() => _server.SendAsync();

    [Benchmark(Description = "ASP.NET Core's span + middleware's attributes")]
    public Task BuiltInSpanAndMiddleware() => _server.SendAsync();

    [GlobalCleanup]
    public void Dispose()
    {
        (_app as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Starts the host with <paramref name="configureTracing"/> (none: no span), the middleware first when
    /// <paramref name="useMiddleware"/>, and ASP.NET Core's start attributes when <paramref name="startAttributes"/>;
    /// checks that a request records what is meant, a span named <paramref name="expectedName"/> (any name when
    /// <see langword="null"/>: nothing names it).
    /// </summary>
    private void Start(Action<TracerProviderBuilder>? configureTracing, bool useMiddleware = false, bool startAttributes = true,
        string? expectedName = "POST /mcp")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<IServer>(_server);
        builder.Logging.ClearProviders();
        if (configureTracing is not null)
        {
            AppContext.SetSwitch("Microsoft.AspNetCore.Hosting.SuppressActivityOpenTelemetryData", !startAttributes);
            builder.Services.AddOpenTelemetry().WithTracing(tracing =>
            {
                configureTracing(tracing);
                tracing.AddProcessor(_ended);
            });
        }

        var app = builder.Build();
        if (useMiddleware)
        {
            app.UseMiddleware<HttpServerSpanMiddleware>();
        }

        app.MapPost("/mcp", static context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        app.StartAsync().GetAwaiter().GetResult();
        _app = app;

        // What is measured must be a recorded span (named by its route where something names it), or none at
        // all for the baseline. The span ends as hosting disposes the request, before SendAsync returns.
        var status = _server.SendAsync().GetAwaiter().GetResult();
        var recorded = _ended.First.Task.IsCompletedSuccessfully;
        var span = recorded ? _ended.First.Task.Result : null;
        if (status != 200 || recorded != (configureTracing is not null) || (expectedName is not null && span is not null && span.DisplayName != expectedName))
        {
            throw new InvalidOperationException(
                $"Expected 200 and {(configureTracing is null ? "no span" : $"a span named '{expectedName ?? "(any)"}'")}; got {status} and {(span is null ? "no span" : $"'{span.DisplayName}'")}.");
        }

        // The request attributes, from the framework or from the middleware, once each.
        var paths = span?.TagObjects.Count(static t => t.Key == "url.path") ?? 0;
        if ((startAttributes || useMiddleware) && span is not null && paths != 1)
        {
            throw new InvalidOperationException($"Expected one url.path attribute; got {paths}.");
        }
    }

    /// <summary>Reports the first span the tracer provider ends (the same small cost for every recorder).</summary>
    private sealed class EndedSpans : BaseProcessor<Activity>
    {
        public TaskCompletionSource<Activity> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void OnEnd(Activity data) => First.TrySetResult(data);
    }

    /// <summary>
    /// Hands hosting a POST to <c>/mcp</c> straight from the calling thread; the request completes on it when
    /// the pipeline does not wait.
    /// </summary>
    private sealed class InMemoryServer : IServer
    {
        private Func<Task<int>>? _send;

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task<int> SendAsync() => _send!();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull
        {
            _send = async () =>
            {
                var features = new FeatureCollection();
                var response = new HttpResponseFeature();
                features.Set<IHttpRequestFeature>(new HttpRequestFeature
                {
                    Method = HttpMethods.Post,
                    Scheme = "http",
                    Path = "/mcp",
                    Protocol = "HTTP/1.1",
                    Headers = new HeaderDictionary { { "Host", "127.0.0.1:8080" }, { "User-Agent", "bench/1.0" } },
                });
                features.Set<IHttpResponseFeature>(response);
                features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
                var context = application.CreateContext(features);
                try
                {
                    await application.ProcessRequestAsync(context);
                }
                finally
                {
                    application.DisposeContext(context, exception: null);
                }

                return response.StatusCode;
            };
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
