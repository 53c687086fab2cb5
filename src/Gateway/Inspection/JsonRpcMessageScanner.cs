using System.Buffers;

namespace Gateway.Inspection;

/// <summary>
/// A resumable JSON tokenizer for one JSON text (a plain JSON body, or the data of one SSE event) fed in pieces
/// split anywhere: it checks the JSON grammar (RFC 8259), finds each JSON-RPC message (the root object, or each
/// element of a batch) and lets <see cref="JsonRpcMessageFields"/> keep the few members worth reporting. Its own
/// state is a handful of fields and one bit per nesting level; string contents are skipped with a vectorised
/// search; nothing proportional to the input is allocated or kept. UTF-8 is not validated: the inspector
/// reports, the client validates.
/// </summary>
/// <remarks>
/// Messages are held back until <see cref="End"/>: only then is it known that the text was well formed and, for
/// SSE, that the event was dispatched at all (WHATWG HTML §9.2.6 drops an event the stream ends in). A client
/// parsing the same text gets every message or none, and so does the observer; the one exception is a batch of
/// more than <see cref="HoldCapacity"/> messages, whose first ones are reported early so that memory stays bounded.
/// </remarks>
internal sealed class JsonRpcMessageScanner
{
    /// <summary>Deeper nesting makes the text Invalid. The limit bounds the state (a bit per level), not what clients accept.</summary>
    public const int MaxDepth = 256;

    /// <summary>How many messages of one text are held back before they are reported early.</summary>
    public const int HoldCapacity = 16;

    // Inside a string only these bytes need a look: its end, an escape, and raw control characters (RFC 8259 §7).
    private static readonly SearchValues<byte> s_stringStops = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    private static readonly SearchValues<byte> s_hexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private readonly IJsonRpcMessageObserver _observer;
    private readonly JsonRpcMessageFields _fields;
    private readonly ulong[] _objectLevels = new ulong[MaxDepth / 64];

    // The tokenizer: where in the grammar it stands, and what of the token it is in.
    private Mode _mode;
    private int _depth;
    private bool _stringIsKey;
    private int _unicodeDigitsLeft;
    private NumberPart _number;
    private byte _literal;
    private int _literalIndex;
    private long _position;
    private bool _sawValue;

    // The elements: the root is a message, a batch of elements, or something else.
    private bool _isBatch;
    private int _batchLength;
    private long _rootStart;
    private long _elementStart;
    private int _messageDepth;

    // Held-back messages: the first in a field, since most texts hold one; the rest, for batches, in an array made on first use.
    private int _heldCount;
    private InspectedMessage _firstHeld;
    private InspectedMessage[]? _moreHeld;

    public JsonRpcMessageScanner(IJsonRpcMessageObserver observer, int maxTrackedStringBytes)
    {
        _observer = observer;
        _fields = new JsonRpcMessageFields(maxTrackedStringBytes);
    }

    private enum Mode : byte
    {
        Value,
        ValueOrArrayEnd,
        KeyOrObjectEnd,
        Key,
        Colon,
        CommaOrEnd,
        String,
        StringEscape,
        StringUnicode,
        Number,
        Literal,
        Done,
        Failed,
    }

    // The parts of RFC 8259 §6's number grammar: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
    private enum NumberPart : byte
    {
        None,
        Minus,
        Zero,
        Integer,
        Dot,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
    }

    // Where the current token sits for JsonRpcMessageFields: 0 in the message object, 1 one below, -1 outside any message.
    private int Level => _messageDepth == 0 ? -1 : _depth - _messageDepth;

    /// <summary>Scans the next piece of the JSON text.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_mode)
            {
                case Mode.Failed:
                    // Nothing more is read until the text ends; its bytes still count towards its size.
                    i = data.Length;
                    break;
                case Mode.String:
                    i = ScanString(data, i);
                    break;
                case Mode.StringEscape:
                    ScanEscape(data.Slice(i, 1));
                    i++;
                    break;
                case Mode.StringUnicode:
                    ScanUnicodeDigit(data.Slice(i, 1));
                    i++;
                    break;
                case Mode.Number:
                    i = ScanNumber(data, i);
                    break;
                case Mode.Literal:
                    ScanLiteral(data[i], _position + i);
                    i++;
                    break;
                default:
                    var b = data[i];
                    if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
                    {
                        ScanStructural(b, _position + i);
                    }

                    i++;
                    break;
            }
        }

        _position += data.Length;
    }

    /// <summary>
    /// The text is complete: reports its messages, or one <see cref="InspectedKind.Invalid"/> of the text's size
    /// when it was not well-formed JSON, then resets for the next text. A text of whitespace only is reported as
    /// Invalid when <paramref name="reportEmpty"/> is set (an SSE event with data) and ignored otherwise (an empty body).
    /// </summary>
    public void End(bool reportEmpty)
    {
        if (_mode == Mode.Number && IsComplete(_number))
        {
            EndNumber(_position);
        }

        if (_mode == Mode.Done)
        {
            ReportHeld();
        }
        else if (_sawValue || reportEmpty)
        {
            _observer.OnMessage(_messageDepth != 0
                ? _fields.ToInvalid(_position)
                : new InspectedMessage(InspectedKind.Invalid, null, null, null, null, _position));
        }

        Reset();
    }

    /// <summary>Forgets the current text, including its held-back messages.</summary>
    public void Reset()
    {
        _mode = Mode.Value;
        _depth = 0;
        _position = 0;
        _sawValue = false;
        _isBatch = false;
        _batchLength = 0;
        _messageDepth = 0;
        _heldCount = 0;
    }

    private void ScanStructural(byte b, long position)
    {
        switch (_mode)
        {
            case Mode.Value:
                BeginValue(b, position);
                break;
            case Mode.ValueOrArrayEnd when b == (byte)']':
            case Mode.KeyOrObjectEnd when b == (byte)'}':
                EndContainer(position);
                break;
            case Mode.ValueOrArrayEnd:
                BeginValue(b, position);
                break;
            case Mode.KeyOrObjectEnd or Mode.Key when b == (byte)'"':
                _fields.BeginKey(Level);
                _stringIsKey = true;
                _mode = Mode.String;
                break;
            case Mode.Colon when b == (byte)':':
                _mode = Mode.Value;
                break;
            case Mode.CommaOrEnd when b == (byte)',':
                _mode = IsObjectLevel() ? Mode.Key : Mode.Value;
                break;
            case Mode.CommaOrEnd when b == (IsObjectLevel() ? (byte)'}' : (byte)']'):
                EndContainer(position);
                break;
            default:
                // Anything else breaks the grammar, including anything but whitespace after the root value.
                Fail();
                break;
        }
    }

    private void BeginValue(byte b, long position)
    {
        _sawValue = true;
        var startsMessage = false;
        if (_depth == 0 && b == (byte)'[')
        {
            // A batch (JSON-RPC 2.0 §6; MCP 2025-03-26): each element is one message.
            _isBatch = true;
            _rootStart = position;
        }
        else if (_depth == (_isBatch ? 1 : 0))
        {
            _elementStart = position;
            _batchLength++;
            startsMessage = b == (byte)'{';
        }

        _fields.BeginValue(Level, b);
        switch (b)
        {
            case (byte)'{':
                if (Push(isObject: true))
                {
                    _mode = Mode.KeyOrObjectEnd;
                    if (startsMessage)
                    {
                        _messageDepth = _depth;
                        _fields.Clear();
                    }
                }

                break;
            case (byte)'[':
                if (Push(isObject: false))
                {
                    _mode = Mode.ValueOrArrayEnd;
                }

                break;
            case (byte)'"':
                _stringIsKey = false;
                _mode = Mode.String;
                break;
            case (byte)'-':
                _number = NumberPart.Minus;
                _mode = Mode.Number;
                break;
            case >= (byte)'0' and <= (byte)'9':
                _number = b == (byte)'0' ? NumberPart.Zero : NumberPart.Integer;
                _mode = Mode.Number;
                break;
            case (byte)'t' or (byte)'f' or (byte)'n':
                _literal = b;
                _literalIndex = 1;
                _mode = Mode.Literal;
                break;
            default:
                Fail();
                break;
        }
    }

    private int ScanString(ReadOnlySpan<byte> data, int i)
    {
        while (true)
        {
            var rest = data[i..];
            var stop = rest.IndexOfAny(s_stringStops);
            if (stop < 0)
            {
                _fields.Append(rest);
                return data.Length;
            }

            _fields.Append(rest[..stop]);
            i += stop;
            switch (data[i])
            {
                case (byte)'"':
                    EndString(_position + i + 1);
                    return i + 1;
                case (byte)'\\':
                    // Text content is often JSON serialised into a string, an escape every few bytes: an escape that
                    // is whole in this piece is checked in place rather than a byte per round of Feed.
                    var length = EscapeLength(rest[stop..]);
                    if (length == 0)
                    {
                        _fields.Append("\\"u8);
                        _mode = Mode.StringEscape;
                        return i + 1;
                    }

                    _fields.Append(data.Slice(i, length));
                    i += length;
                    break;
                default:
                    // A raw control character (RFC 8259 §7).
                    Fail();
                    return i + 1;
            }
        }
    }

    /// <summary>The length of the valid escape <paramref name="text"/> starts with, or 0 when it is cut off or invalid.</summary>
    private static int EscapeLength(ReadOnlySpan<byte> text)
    {
        if (text.Length < 2)
        {
            return 0;
        }

        if (text[1] is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
        {
            return 2;
        }

        // Cut off or invalid escapes go the byte-at-a-time way, which fails on the invalid ones.
        return text[1] == (byte)'u' && text.Length >= 6 && text.Slice(2, 4).IndexOfAnyExcept(s_hexDigits) < 0 ? 6 : 0;
    }

    private void ScanEscape(ReadOnlySpan<byte> escape)
    {
        switch (escape[0])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                _fields.Append(escape);
                _mode = Mode.String;
                break;
            case (byte)'u':
                _fields.Append(escape);
                _unicodeDigitsLeft = 4;
                _mode = Mode.StringUnicode;
                break;
            default:
                Fail();
                break;
        }
    }

    private void ScanUnicodeDigit(ReadOnlySpan<byte> digit)
    {
        if (!char.IsAsciiHexDigit((char)digit[0]))
        {
            Fail();
            return;
        }

        _fields.Append(digit);
        if (--_unicodeDigitsLeft == 0)
        {
            _mode = Mode.String;
        }
    }

    private void EndString(long end)
    {
        if (_stringIsKey)
        {
            _fields.EndKey(Level);
            _mode = Mode.Colon;
            return;
        }

        _fields.EndString();
        EndValue(end);
    }

    private int ScanNumber(ReadOnlySpan<byte> data, int i)
    {
        var start = i;
        while (i < data.Length)
        {
            var next = Next(_number, data[i]);
            if (next == NumberPart.None)
            {
                _fields.Append(data[start..i]);
                if (IsComplete(_number))
                {
                    // The byte after the number is read again, as a delimiter.
                    EndNumber(_position + i);
                    return i;
                }

                Fail();
                return i + 1;
            }

            _number = next;
            i++;
        }

        _fields.Append(data[start..]);
        return i;
    }

    private void EndNumber(long end)
    {
        _fields.EndNumber();
        EndValue(end);
    }

    private void ScanLiteral(byte b, long position)
    {
        var text = _literal switch
        {
            (byte)'t' => "true"u8,
            (byte)'f' => "false"u8,
            _ => "null"u8,
        };

        if (b != text[_literalIndex])
        {
            Fail();
            return;
        }

        if (++_literalIndex == text.Length)
        {
            _fields.EndLiteral(_literal);
            EndValue(position + 1);
        }
    }

    private void EndContainer(long position)
    {
        _depth--;
        EndValue(position + 1);
    }

    private void EndValue(long end)
    {
        if (_depth == (_isBatch ? 1 : 0))
        {
            // A whole element ended: the root value, or one element of a batch.
            if (_messageDepth != 0)
            {
                Hold(_fields.ToMessage(end - _elementStart));
                _messageDepth = 0;
            }
            else
            {
                Hold(new InspectedMessage(InspectedKind.Invalid, null, null, null, null, end - _elementStart));
            }
        }

        if (_depth != 0)
        {
            _mode = Mode.CommaOrEnd;
            return;
        }

        _mode = Mode.Done;
        if (_isBatch && _batchLength == 0)
        {
            // JSON-RPC 2.0 §6: an empty array is not a valid batch.
            Hold(new InspectedMessage(InspectedKind.Invalid, null, null, null, null, end - _rootStart));
        }
    }

    private void Hold(in InspectedMessage message)
    {
        if (_heldCount == HoldCapacity)
        {
            // Bounded memory outranks all-or-nothing for a batch this long.
            ReportHeld();
        }

        if (_heldCount == 0)
        {
            _firstHeld = message;
        }
        else
        {
            _moreHeld ??= new InspectedMessage[HoldCapacity - 1];
            _moreHeld[_heldCount - 1] = message;
        }

        _heldCount++;
    }

    private void ReportHeld()
    {
        for (var i = 0; i < _heldCount; i++)
        {
            _observer.OnMessage(in i == 0 ? ref _firstHeld : ref _moreHeld![i - 1]);
        }

        _heldCount = 0;
    }

    private bool Push(bool isObject)
    {
        if (_depth == MaxDepth)
        {
            Fail();
            return false;
        }

        ref var word = ref _objectLevels[_depth >> 6];
        var bit = 1UL << (_depth & 63);
        word = isObject ? word | bit : word & ~bit;
        _depth++;
        return true;
    }

    private bool IsObjectLevel() => (_objectLevels[(_depth - 1) >> 6] & (1UL << ((_depth - 1) & 63))) != 0;

    private void Fail()
    {
        _mode = Mode.Failed;
        _sawValue = true;
    }

    private static bool IsComplete(NumberPart part) =>
        part is NumberPart.Zero or NumberPart.Integer or NumberPart.Fraction or NumberPart.ExponentDigits;

    private static NumberPart Next(NumberPart part, byte b)
    {
        var digit = char.IsAsciiDigit((char)b);
        var exponent = b is (byte)'e' or (byte)'E';
        return part switch
        {
            NumberPart.Minus => b == (byte)'0' ? NumberPart.Zero : digit ? NumberPart.Integer : NumberPart.None,
            NumberPart.Zero => b == (byte)'.' ? NumberPart.Dot : exponent ? NumberPart.Exponent : NumberPart.None,
            NumberPart.Integer => digit ? NumberPart.Integer : b == (byte)'.' ? NumberPart.Dot : exponent ? NumberPart.Exponent : NumberPart.None,
            NumberPart.Dot => digit ? NumberPart.Fraction : NumberPart.None,
            NumberPart.Fraction => digit ? NumberPart.Fraction : exponent ? NumberPart.Exponent : NumberPart.None,
            NumberPart.Exponent => digit ? NumberPart.ExponentDigits : b is (byte)'+' or (byte)'-' ? NumberPart.ExponentSign : NumberPart.None,
            _ => digit ? NumberPart.ExponentDigits : NumberPart.None,
        };
    }
}
