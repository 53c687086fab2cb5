namespace Gateway.Inspection;

/// <summary>
/// Watches an upstream response body as the relay copies it, in whatever pieces the forwarder writes, and
/// reports each JSON-RPC message in it to an <see cref="IJsonRpcMessageObserver"/>, without buffering the body
/// (yarp-notes.md "Seeing the response without buffering it"; <c>SseParser</c> would hold each whole event).
/// </summary>
/// <remarks>
/// <para>
/// An <c>application/json</c> body is one JSON text: a message or a batch. Its messages are reported by
/// <see cref="Complete"/>, once the body is known to be well formed.
/// </para>
/// <para>
/// A <c>text/event-stream</c> body is followed by an SSE line state machine (WHATWG HTML §9.2.6): lines end
/// with CRLF, LF or CR; a line starting with a colon is a comment; <c>field: value</c> loses one space after
/// the colon; the values of an event's <c>data</c> lines are joined with LF; a blank line dispatches the event,
/// unless its data is empty (the priming event of a resumable stream). The bytes of each <c>data</c> value go
/// straight into a <see cref="JsonRpcMessageScanner"/> as they arrive; the event type, <c>id</c> and
/// <c>retry</c> fields do not matter, since every MCP event carries a JSON-RPC message. The event's messages
/// are reported when it is dispatched, and malformed data costs that event only: the next one starts afresh.
/// </para>
/// <para>Not thread-safe: the relay feeds one response from one write at a time. No input makes it throw.</para>
/// </remarks>
internal sealed class JsonRpcResponseInspector
{
    private readonly bool _isEventStream;
    private readonly JsonRpcMessageScanner _scanner;

    // WHATWG HTML §9.2.6 (and RFC 8259 §8.1, for JSON) let a reader skip a leading UTF-8 byte order mark.
    private int _bomMatched;
    private bool _pastStart;
    private bool _completed;

    private LineState _state;
    private bool _skipLineFeed;
    private int _fieldMatched;
    private int _dataLines;
    private bool _hasDataBytes;

    public JsonRpcResponseInspector(bool isEventStream, IJsonRpcMessageObserver observer, int maxTrackedStringBytes = 256)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTrackedStringBytes);
        _isEventStream = isEventStream;
        _scanner = new JsonRpcMessageScanner(observer, maxTrackedStringBytes);
    }

    private enum LineState : byte
    {
        LineStart,
        FieldName,
        AfterColon,
        DataValue,
        IgnoredValue,
        Comment,
    }

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Inspects the next piece of the body, as written to the client.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_completed)
        {
            return;
        }

        if (!_pastStart)
        {
            chunk = SkipByteOrderMark(chunk);
        }

        if (_isEventStream)
        {
            FeedEventStream(chunk);
        }
        else
        {
            _scanner.Feed(chunk);
        }
    }

    /// <summary>
    /// The body ended. A JSON body's messages are reported now. An SSE event still open is dropped without being
    /// reported, as the SSE spec drops it ("If the file ends ... pending data must be discarded"). Idempotent.
    /// </summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (!_pastStart && _bomMatched > 0)
        {
            // The body was a strict prefix of a byte order mark: those bytes were content after all.
            _pastStart = true;
            Feed(ByteOrderMark[.._bomMatched]);
        }

        _completed = true;
        if (_isEventStream)
        {
            _scanner.Reset();
        }
        else
        {
            _scanner.End(reportEmpty: false);
        }
    }

    private ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> chunk)
    {
        var i = 0;
        while (_bomMatched < ByteOrderMark.Length && i < chunk.Length && chunk[i] == ByteOrderMark[_bomMatched])
        {
            _bomMatched++;
            i++;
        }

        if (_bomMatched == ByteOrderMark.Length)
        {
            _pastStart = true;
            return chunk[i..];
        }

        if (i == chunk.Length)
        {
            // Maybe a byte order mark split across writes.
            return [];
        }

        // Not a byte order mark: replay what looked like one, then go on with this chunk.
        _pastStart = true;
        if (_bomMatched > 0)
        {
            var matched = _bomMatched;
            _bomMatched = 0;
            Feed(ByteOrderMark[..matched]);
        }

        return chunk[i..];
    }

    private void FeedEventStream(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i];
            switch (_state)
            {
                case LineState.LineStart:
                    if (_skipLineFeed)
                    {
                        // The LF of a CRLF whose CR already ended the line.
                        _skipLineFeed = false;
                        if (b == (byte)'\n')
                        {
                            i++;
                            break;
                        }
                    }

                    if (b is (byte)'\r' or (byte)'\n')
                    {
                        DispatchEvent();
                        _skipLineFeed = b == (byte)'\r';
                        i++;
                    }
                    else if (b == (byte)':')
                    {
                        _state = LineState.Comment;
                        i++;
                    }
                    else
                    {
                        _state = LineState.FieldName;
                        _fieldMatched = 0;
                    }

                    break;
                case LineState.FieldName:
                    if (b == (byte)':')
                    {
                        BeginField();
                        _state = LineState.AfterColon;
                    }
                    else if (b is (byte)'\r' or (byte)'\n')
                    {
                        // "A line without a colon is a field with an empty value": "data" alone still adds a line.
                        BeginField();
                        EndLine(b);
                    }
                    else if (_fieldMatched >= 0)
                    {
                        _fieldMatched = _fieldMatched < 4 && b == "data"u8[_fieldMatched] ? _fieldMatched + 1 : -1;
                    }

                    i++;
                    break;
                case LineState.AfterColon:
                    _state = _fieldMatched == 4 ? LineState.DataValue : LineState.IgnoredValue;
                    if (b == (byte)' ')
                    {
                        i++;
                    }

                    break;
                default:
                    // A value or comment runs to the end of the line; data values go to the scanner in one piece.
                    var rest = data[i..];
                    var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
                    var value = end < 0 ? rest : rest[..end];
                    if (_state == LineState.DataValue && !value.IsEmpty)
                    {
                        _hasDataBytes = true;
                        _scanner.Feed(value);
                    }

                    if (end < 0)
                    {
                        return;
                    }

                    EndLine(rest[end]);
                    i += end + 1;
                    break;
            }
        }
    }

    private void BeginField()
    {
        if (_fieldMatched != 4)
        {
            return;
        }

        // The data buffer gets each value followed by LF, and loses the last LF on dispatch: the scanner sees
        // the LF only between two data lines.
        if (_dataLines > 0)
        {
            _scanner.Feed("\n"u8);
        }

        _dataLines++;
    }

    private void EndLine(byte terminator)
    {
        _state = LineState.LineStart;
        _skipLineFeed = terminator == (byte)'\r';
    }

    private void DispatchEvent()
    {
        // "If the data buffer is an empty string, ... return": an event without data, or with one empty data
        // line, dispatches nothing. The scanner then saw no byte of it.
        if (_dataLines > 1 || _hasDataBytes)
        {
            _scanner.End(reportEmpty: true);
        }

        _dataLines = 0;
        _hasDataBytes = false;
    }
}
