using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Gateway.Testing;

/// <summary>
/// Captures every log line the gateway writes (formatted message, state values and exception), for assertions
/// and secret scans. The gateway's own events (information and up, audit records aside) and every warning or
/// error are also copied to the running test's output, which the test runner prints only for a test that
/// fails: a failure seen once under load then comes with what the gateway did (a refresh refused, a store
/// error), not just the assertion.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    /// <summary>All captured text: messages, structured values and exceptions.</summary>
    public string AllText() => string.Join('\n', _entries.Select(static e => e.ToString()));

    public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string State, string? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message} | {State} | {Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(static p => $"{p.Key}={p.Value}")) : "";
            var entry = new CapturedLog(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString());
            entries.Enqueue(entry);
            // Not the audit records: one per message, they would bury the events that explain a failure.
            if (logLevel >= LogLevel.Warning
                || (logLevel >= LogLevel.Information && category.StartsWith("Gateway.", StringComparison.Ordinal) && category != Gateway.Audit.LoggerAuditSink.CategoryName))
            {
                CopyToTestOutput(entry);
            }
        }

        private static void CopyToTestOutput(CapturedLog entry)
        {
            // Background work (a refresh timer, a stream closing) may log when no test is running or after it ended;
            // the helper then refuses, and the line stays in Entries alone.
            try
            {
                TestContext.Current.TestOutputHelper?.WriteLine(
                    $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {entry.Level} {entry.Category}[{entry.EventId.Id}] {entry.Message}{(entry.Exception is null ? "" : "\n" + entry.Exception)}");
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
