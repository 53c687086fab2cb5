namespace Gateway.Proxy;

/// <summary>
/// Follows an SSE byte stream just far enough to know whether it stands between events: at the start
/// of a line, with no field of an event pending (the last line was blank). Only there may the gateway
/// insert a <c>: keep-alive</c> comment without changing any event (WHATWG HTML §9.2.6: lines end with
/// CRLF, LF or CR; a blank line dispatches the event). Scans with <c>IndexOfAny</c>, keeps three bits
/// of state and allocates nothing.
/// </summary>
internal sealed class SseEventBoundary
{
    private bool _atLineStart = true;
    private bool _eventPending;
    private bool _lastWasCarriageReturn;

    /// <summary>
    /// True when a comment written now would sit between two events. A CR that ended the blank line
    /// may still be followed by its LF; a comment before that LF only adds an empty line, which
    /// dispatches nothing (WHATWG HTML §9.2.6), so streams with CR line endings get keep-alives too.
    /// </summary>
    public bool AtBoundary => _atLineStart && !_eventPending;

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var index = data.IndexOfAny((byte)'\r', (byte)'\n');
            if (index < 0)
            {
                // The rest is line content.
                _atLineStart = false;
                _lastWasCarriageReturn = false;
                return;
            }

            if (index > 0)
            {
                _atLineStart = false;
                _lastWasCarriageReturn = false;
            }

            if (data[index] == (byte)'\n' && _lastWasCarriageReturn && index == 0)
            {
                // The LF of a CRLF whose CR already ended the line.
                _lastWasCarriageReturn = false;
            }
            else
            {
                EndLine();
                _lastWasCarriageReturn = data[index] == (byte)'\r';
            }

            data = data[(index + 1)..];
        }
    }

    private void EndLine()
    {
        // A blank line ends the event; any other line (field or comment) belongs to one.
        _eventPending = !_atLineStart;
        _atLineStart = true;
    }
}
