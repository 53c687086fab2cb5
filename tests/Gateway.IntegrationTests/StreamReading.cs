using System.Text;

namespace Gateway.IntegrationTests;

/// <summary>Reads a relayed body as a client does, chunk by chunk, collecting what arrived.</summary>
internal static class StreamReading
{
    /// <summary>Reads until <paramref name="expected"/> has arrived; fails if the stream ends first.</summary>
    public static async Task ReadUntilAsync(Stream body, StringBuilder seen, string expected)
    {
        var buffer = new byte[1024];
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken);
            Assert.True(read > 0, $"The stream ended before '{expected}' arrived; had: {seen}");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    /// <summary>Reads until the stream ends.</summary>
    public static async Task ReadToEndAsync(Stream body, StringBuilder seen)
    {
        var buffer = new byte[1024];
        int read;
        while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }
}
