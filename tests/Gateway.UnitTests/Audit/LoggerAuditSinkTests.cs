using System.Text.Json;
using Gateway.Audit;
using Microsoft.Extensions.Logging;

namespace Gateway.UnitTests.Audit;

public sealed class LoggerAuditSinkTests
{
    [Fact]
    public void Write_Record_LogsEvent5001InGatewayAuditWithRecordAsStructuredProperty()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var record = AuditRecordSchemaTests.Build("full");

        new LoggerAuditSink(loggerFactory).Write(record);

        var entry = Assert.Single(logs.Entries);
        Assert.Equal("Gateway.Audit", entry.Category);
        Assert.Equal(5001, entry.EventId.Id);
        Assert.Equal("AuditRecord", entry.EventId.Name);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("tools/call", entry.Properties["AuditEventName"]);
        Assert.Equal("devops-agent", entry.Properties["PrincipalId"]);
        Assert.Equal(record.EventId, entry.Properties["AuditEventId"]);
        // The attribute is serialized when a provider formats it (an exporter, on its own thread).
        var json = Assert.IsType<AuditRecordJson>(entry.Properties["AuditRecord"]).ToString();
        AuditTestData.AssertMatchesSchema(json);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(record.EventId, document.RootElement.GetProperty("eventID").GetGuid());
    }

    [Fact]
    public void Write_CategoryDisabled_LogsNothing()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).AddFilter("Gateway.Audit", LogLevel.None));

        new LoggerAuditSink(loggerFactory).Write(AuditRecordSchemaTests.Build("full"));

        Assert.Empty(logs.Entries);
    }
}
