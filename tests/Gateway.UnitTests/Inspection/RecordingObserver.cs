using System.Text;
using Gateway.Inspection;

namespace Gateway.UnitTests.Inspection;

internal sealed class RecordingObserver(int capacity = 4) : IJsonRpcMessageObserver
{
    public List<InspectedMessage> Messages { get; } = new(capacity);

    public void OnMessage(in InspectedMessage message) => Messages.Add(message);

    /// <summary>Runs <paramref name="body"/> through a fresh inspector in the given pieces and returns what it reported.</summary>
    public static List<InspectedMessage> Inspect(bool isEventStream, byte[] body, IEnumerable<Range> pieces, int maxTrackedStringBytes = 256)
    {
        var observer = new RecordingObserver();
        var inspector = new JsonRpcResponseInspector(isEventStream, observer, maxTrackedStringBytes);
        foreach (var piece in pieces)
        {
            inspector.Feed(body.AsSpan(piece));
        }

        inspector.Complete();
        return observer.Messages;
    }

    public static List<InspectedMessage> InspectWhole(bool isEventStream, byte[] body, int maxTrackedStringBytes = 256) =>
        Inspect(isEventStream, body, [Range.All], maxTrackedStringBytes);

    public static List<InspectedMessage> InspectByteByByte(bool isEventStream, byte[] body) =>
        Inspect(isEventStream, body, Enumerable.Range(0, body.Length).Select(i => new Range(i, i + 1)));

    public static string Describe(IEnumerable<InspectedMessage> messages) =>
        string.Join(Environment.NewLine, messages.Select(m => m.ToString()));

    public static string Escape(string value) =>
        new StringBuilder(value).Replace("\r", "\\r").Replace("\n", "\\n").ToString();
}
