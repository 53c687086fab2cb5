using BenchmarkDotNet.Running;

namespace Gateway.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/Gateway.Benchmarks -- --filter '*'</c>.
/// A class with <c>Main</c>, not top-level statements, so that it does not clash with the gateway's own <c>Program</c>.
/// </summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
