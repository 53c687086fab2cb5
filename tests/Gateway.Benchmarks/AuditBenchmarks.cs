using System.Net;
using BenchmarkDotNet.Attributes;
using Gateway.Audit;
using Gateway.Inbound;
using Microsoft.Extensions.Options;

namespace Gateway.Benchmarks;

/// <summary>The audit step per message: building the record and serializing it (what the JSON lines pump does).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class AuditBenchmarks
{
    private AuditRecordFactory _factory = null!;
    private AuditEventInput _input = null!;
    private AuditRecord _record = null!;

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
    }

    [Benchmark(Description = "AuditRecordFactory.Create")]
    public object Create() => _factory.Create(_input);

    [Benchmark(Description = "AuditJson.Serialize")]
    public string Serialize() => AuditJson.Serialize(_record);
}
