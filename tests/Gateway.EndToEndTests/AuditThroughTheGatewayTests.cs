using System.Threading.Channels;
using Gateway.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.EndToEndTests;

/// <summary>
/// Audit records of what a real MCP server (the stand-in, an MCP C# SDK server, answering over SSE) said: a tool
/// error's outcome, and a tools/call's CloudTrail <c>readOnly</c> from the tool's <c>annotations.readOnlyHint</c> as
/// the server declared it in a tools/list the gateway relayed.
/// </summary>
public sealed class AuditThroughTheGatewayTests : IAsyncLifetime
{
    private readonly Channel<AuditRecord> _records = Channel.CreateUnbounded<AuditRecord>();
    private readonly SandboxFixture _sandbox;

    public AuditThroughTheGatewayTests()
    {
        _sandbox = new SandboxFixture { ConfigureGateway = services => services.AddSingleton<IAuditSink>(new ChannelSink(_records.Writer)) };
    }

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2026-07-28")]
    public async Task ToolsCall_IsReadOnly_AsTheServerAnnotatedTheTool_OnceARelayedToolsListDeclaredIt(string protocolVersion)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await _sandbox.ConnectAsync(protocolVersion: protocolVersion, cancellationToken: cancellationToken);

        // Each record is awaited before the next call: a record is written when its exchange completes, which
        // can be just after the client has read the response.
        await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);
        var beforeAnyList = await NextAsync("tools/call", cancellationToken);
        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        var list = await NextAsync("tools/list", cancellationToken);
        await client.CallToolAsync("getUserInfo", cancellationToken: cancellationToken);
        var readTool = await NextAsync("tools/call", cancellationToken);
        await client.CallToolAsync("createSobjectRecord", new Dictionary<string, object?>
        {
            ["objectApiName"] = "Account",
            ["fields"] = new Dictionary<string, object?> { ["Name"] = "Umbrella" },
        }, cancellationToken: cancellationToken);
        var writeTool = await NextAsync("tools/call", cancellationToken);

        Assert.Contains(tools, static t => t.Name == "getUserInfo" && t.ProtocolTool.Annotations?.ReadOnlyHint == true);
        Assert.Contains(tools, static t => t.Name == "createSobjectRecord" && t.ProtocolTool.Annotations?.ReadOnlyHint == false);
        Assert.True(list.ReadOnly);
        Assert.Equal(("getUserInfo", false), (beforeAnyList.RequestParameters.Target, beforeAnyList.ReadOnly));
        Assert.Equal(("getUserInfo", true), (readTool.RequestParameters.Target, readTool.ReadOnly));
        Assert.Equal(("createSobjectRecord", false), (writeTool.RequestParameters.Target, writeTool.ReadOnly));
    }

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2026-07-28")]
    public async Task ToolError_InTheServersResponse_IsAuditedWithItsOutcome(string protocolVersion)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await _sandbox.ConnectAsync(protocolVersion: protocolVersion, cancellationToken: cancellationToken);

        var result = await client.CallToolAsync("getObjectSchema", new Dictionary<string, object?> { ["objectApiName"] = "NoSuchObject" }, cancellationToken: cancellationToken);
        var record = await NextAsync("tools/call", cancellationToken);

        Assert.True(result.IsError);
        Assert.Equal("getObjectSchema", record.RequestParameters.Target);
        Assert.True(record.ResponseElements.IsError);
        Assert.Equal("tool_error", record.ErrorCode);
    }

    public ValueTask InitializeAsync() => _sandbox.InitializeAsync();

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    private async Task<AuditRecord> NextAsync(string eventName, CancellationToken cancellationToken)
    {
        // Other messages of the session (initialize, notifications, the GET stream) are recorded too.
        while (true)
        {
            var record = await _records.Reader.ReadAsync(cancellationToken);
            if (record.EventName == eventName)
            {
                return record;
            }
        }
    }

    private sealed class ChannelSink(ChannelWriter<AuditRecord> writer) : IAuditSink
    {
        public void Write(AuditRecord record) => writer.TryWrite(record);
    }
}
