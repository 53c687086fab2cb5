using System.Net;
using BenchmarkDotNet.Attributes;
using Gateway.Audit;
using Gateway.Inbound;
using Microsoft.Extensions.Options;

namespace Gateway.Benchmarks;

/// <summary>The audit step per message: building the record and serializing it (what the JSON lines pump does).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class AuditBenchmarks : IDisposable
{
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<AuditRecord> s_generated =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<AuditRecord>)new System.Text.Json.JsonSerializerOptions
        {
            TypeInfoResolver = GeneratedAuditJson.Default,
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }.GetTypeInfo(typeof(AuditRecord));

    private AuditRecordFactory _factory = null!;
    private AuditEventInput _input = null!;
    private AuditRecord _record = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private System.Text.Json.Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _factory = new AuditRecordFactory(Options.Create(new AuditOptions { PublicMcpUrl = "https://gateway.example.com/mcp" }), TimeProvider.System);
        _input = new AuditEventInput
        {
            Principal = new GatewayPrincipal("devops-agent", InboundCredentialKind.ApiKey),
            Method = "tools/call",
            JsonRpcIdJson = "42",
            Target = "soqlQuery",
            ProtocolVersion = "2025-11-25",
            ClientSessionId = "CfDJ8N3q-session-id-as-sealed-by-the-gateway-0123456789abcdef",
            UpstreamEndpoint = new Uri("https://api.salesforce.com/platform/mcp/v1/sandbox/platform/sobject-all"),
            HttpStatus = 200,
            IsError = false,
            HttpMethod = "POST",
            Scheme = "https",
            Host = "gateway.example.com",
            Path = "/mcp",
            RemoteIpAddress = IPAddress.Parse("203.0.113.10"),
            UserAgent = "aws-devops-agent/1.0 (mcp-client; +https://aws.amazon.com/devops-agent)",
            RequestId = "0HNQ9MFCD75MP:00000003",
            TraceId = "ae57d092947ff7789dedcc2ab10d55ed",
            SpanId = "115ba7da4af14602",
        };
        _record = _factory.Create(_input);
        _writer = new System.Text.Json.Utf8JsonWriter(_buffer, AuditJson.WriterOptions);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _writer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "AuditRecordFactory.Create")]
    public object Create() => _factory.Create(_input);

    [Benchmark(Description = "AuditJson.Serialize (string)")]
    public string Serialize() => AuditJson.Serialize(_record);

    /// <summary>The same record through JsonSerializer and source-generated metadata, as records were written before.</summary>
    [Benchmark(Description = "JsonSerializer (generated metadata, writer's buffer)")]
    public int SerializeWithJsonSerializer()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        System.Text.Json.JsonSerializer.Serialize(_writer, _record, s_generated);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>What the JSON lines writer does per record: into its one buffer, through its one writer.</summary>
    [Benchmark(Description = "AuditJson.Serialize (the writer's buffer)")]
    public int SerializeIntoBuffer()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        AuditJson.Serialize(_writer, _record);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>The runtime's version 7 id: on Linux, one read of /dev/urandom per id.</summary>
    [Benchmark(Description = "Guid.CreateVersion7")]
    public Guid RuntimeEventId() => Guid.CreateVersion7(_record.EventTime);

    /// <summary>The audit trail's version 7 id: random bits from the cryptographic generator a block at a time.</summary>
    [Benchmark(Description = "AuditEventIds.CreateVersion7")]
    public Guid AuditEventId() => AuditEventIds.CreateVersion7(_record.EventTime);
}

/// <summary>The source generator's metadata for the record: the serializer the hand-written writer replaced.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AuditRecord))]
internal sealed partial class GeneratedAuditJson : System.Text.Json.Serialization.JsonSerializerContext;
