using Gateway.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.UnitTests.Audit;

public sealed class AuditTrailTests
{
    [Fact]
    public void Record_Enabled_WritesTheSameRecordToEverySink()
    {
        var first = new ListSink();
        var second = new ListSink();

        var record = Trail(new AuditOptions(), first, second).Record(AuditTestData.FullInput());

        Assert.NotNull(record);
        Assert.Same(record, Assert.Single(first.Records));
        Assert.Same(record, Assert.Single(second.Records));
    }

    [Fact]
    public void Record_Disabled_WritesNothing()
    {
        var sink = new ListSink();
        var trail = Trail(new AuditOptions { Enabled = false }, sink);

        Assert.False(trail.IsEnabled);
        Assert.Null(trail.Record(AuditTestData.FullInput()));
        Assert.Empty(sink.Records);
    }

    [Fact]
    public void Record_SinkThrows_OtherSinksStillWriteAndNothingPropagates()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var after = new ListSink();
        var trail = new AuditTrail(AuditTestData.Factory(), [new ThrowingSink(), after], Options.Create(new AuditOptions()), loggerFactory.CreateLogger<AuditTrail>());

        var record = trail.Record(AuditTestData.FullInput());

        Assert.NotNull(record);
        Assert.Single(after.Records);
        Assert.Contains(logs.Entries, static e => e.EventId.Id == 5004);
    }

    [Fact]
    public async Task AddGatewayAudit_FileSinkAndLogRecords_RegistersBothAndWritesALine()
    {
        var directory = Directory.CreateTempSubdirectory("audit-");
        try
        {
            var path = Path.Combine(directory.FullName, "audit.jsonl");
            using var host = Host(new()
            {
                ["Gateway:Audit:Sink"] = "File",
                ["Gateway:Audit:FilePath"] = path,
            });
            await host.StartAsync(TestContext.Current.CancellationToken);

            var sinks = host.Services.GetServices<IAuditSink>().ToArray();
            Assert.Contains(sinks, static s => s is LoggerAuditSink);
            Assert.Contains(sinks, static s => s is JsonLinesAuditSink);
            Assert.NotNull(host.Services.GetRequiredService<AuditTrail>().Record(AuditTestData.FullInput()));

            await host.StopAsync(TestContext.Current.CancellationToken);
            await ((IAsyncDisposable)host.Services).DisposeAsync();

            AuditTestData.AssertMatchesSchema(Assert.Single(File.ReadAllLines(path)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void AddGatewayAudit_SinkNoneAndNoLogRecords_RegistersNoSink()
    {
        using var host = Host(new() { ["Gateway:Audit:Sink"] = "None", ["Gateway:Audit:LogRecords"] = "false" });

        Assert.Empty(host.Services.GetServices<IAuditSink>());
        Assert.Null(host.Services.GetRequiredService<AuditTrail>().Record(AuditTestData.FullInput()));
    }

    [Fact]
    public async Task AddGatewayAudit_InvalidConfiguration_FailsAtStartNamingTheKey()
    {
        using var host = Host(new() { ["Gateway:Audit:Sink"] = "None", ["Gateway:Audit:RecipientAccountId"] = "12" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Gateway:Audit:RecipientAccountId", error.Message, StringComparison.Ordinal);
    }

    private static IHost Host(Dictionary<string, string?> configuration)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddGatewayAudit();
        return builder.Build();
    }

    private static AuditTrail Trail(AuditOptions options, params IAuditSink[] sinks) =>
        new(AuditTestData.Factory(options), sinks, Options.Create(options), NullLogger<AuditTrail>.Instance);

    private sealed class ListSink : IAuditSink
    {
        public List<AuditRecord> Records { get; } = [];

        public void Write(AuditRecord record) => Records.Add(record);
    }

    private sealed class ThrowingSink : IAuditSink
    {
        public void Write(AuditRecord record) => throw new InvalidOperationException("sink broke");
    }
}
