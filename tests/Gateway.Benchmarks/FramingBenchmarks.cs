using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gateway.Mcp;

namespace Gateway.Benchmarks;

/// <summary>
/// The gateway's one validating pass over a POST body (<see cref="JsonRpcScanner.TryScan"/>) against
/// the DOM it avoids (<see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>, alone and
/// with the envelope fields read out of it) and against the floor, a bare <see cref="Utf8JsonReader"/> loop that checks syntax and nothing else.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
public class FramingBenchmarks
{
    private const int MaxDepth = 64;
    private const string ProtocolVersion = ProtocolVersions.V2025_06_18;

    private byte[] _body = [];

    /// <summary><c>1</c>: a <c>soqlQuery</c> call of exactly 1,024 bytes; <c>100</c>: an <c>upsertRecords</c> call of records, just over 100 KiB.</summary>
    [Params(1, 100)]
    public int SizeKiB { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _body = SizeKiB switch
        {
            1 => McpBodies.SoqlQuery(1024),
            100 => McpBodies.UpsertRecords(100 * 1024),
            _ => throw new InvalidOperationException($"No body defined for {SizeKiB} KiB."),
        };

        // A benchmark of the rejection path by mistake would be fast and wrong; make sure the body passes.
        if (!JsonRpcScanner.TryScan(_body, MaxDepth, allowBatch: false, ProtocolVersion, out var message, out var rejection))
        {
            throw new InvalidOperationException($"The {SizeKiB} KiB body was rejected: {rejection.Reason} ({rejection.Message}).");
        }

        if (message.First is not { Kind: JsonRpcKind.Request, Method: McpMethods.ToolsCall, IdJson: not null, Target: not null })
        {
            throw new InvalidOperationException($"The {SizeKiB} KiB body scanned to an unexpected message.");
        }
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse")]
    public JsonValueKind JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        return document.RootElement.ValueKind;
    }

    /// <summary>The DOM doing the scanner's job: the same envelope fields read out as strings (no UTF-8 pre-pass, no envelope rules).</summary>
    [Benchmark(Description = "JsonDocument.Parse + envelope fields")]
    public int JsonDocumentEnvelope()
    {
        using var document = JsonDocument.Parse(_body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        var root = document.RootElement;
        var versionOk = root.TryGetProperty("jsonrpc"u8, out var version) && version.ValueEquals("2.0"u8);
        var method = root.GetProperty("method"u8).GetString()!;
        var idJson = root.GetProperty("id"u8).GetRawText();
        var target = root.GetProperty("params"u8).GetProperty("name"u8).GetString()!;
        return versionOk ? method.Length + idJson.Length + target.Length : -1;
    }

    [Benchmark(Description = "JsonRpcScanner.TryScan")]
    public object? TryScan()
    {
        JsonRpcScanner.TryScan(_body, MaxDepth, allowBatch: false, ProtocolVersion, out var message, out _);
        return message;
    }

    [Benchmark(Description = "Utf8JsonReader, read to end")]
    public long ReaderFloor()
    {
        var reader = new Utf8JsonReader(_body, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
        }

        return reader.BytesConsumed;
    }
}
