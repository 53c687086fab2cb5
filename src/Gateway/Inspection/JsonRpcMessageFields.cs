using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Gateway.Inspection;

/// <summary>
/// What <see cref="JsonRpcMessageScanner"/> keeps of the message it is reading: which of the top-level <c>id</c>,
/// <c>method</c>, <c>result</c> and <c>error</c> are present, the raw text of the id and method, <c>error.code</c>,
/// <c>result.isError</c>, and the name and <c>annotations.readOnlyHint</c> of each element of <c>result.tools</c>
/// (a <c>tools/list</c> result, MCP schema <c>ListToolsResult</c>). The scanner tells it where keys and values
/// begin and end and at which level; it copies only the few bytes it wants into small fixed buffers, and drops a
/// value longer than the tracking limit (reported as absent). Duplicate members: the last one counts, as in
/// <c>System.Text.Json</c>.
/// </summary>
/// <remarks>
/// Levels: 0 is a member of the message object, 1 a member of an object one below it (only those of <c>error</c>
/// and <c>result</c> matter), 2 an element of <c>result.tools</c>, 3 a member of such an element, 4 a member of its
/// <c>annotations</c>; -1 is anything outside a message. The members of the same names elsewhere (in <c>params</c>,
/// in tool content, in an <c>inputSchema</c>) are never looked at.
/// </remarks>
internal sealed class JsonRpcMessageFields
{
    // The longest member name worth matching is "readOnlyHint"; escaped as \uXXXX throughout it is 72 bytes.
    private const int MaxKeyBytes = 72;

    // An int is at most 11 characters; anything longer is no error code.
    private const int MaxCodeBytes = 16;

    private readonly int _maxTrackedBytes;
    private readonly byte[] _key = new byte[MaxKeyBytes + 2];
    private readonly byte[] _id;
    private readonly byte[] _method;
    private readonly byte[] _code = new byte[MaxCodeBytes];

    // Made on the first tool name: most responses are no tools/list, and an inspector is made per response.
    private byte[]? _toolName;

    private Member _topKey;
    private Member _subKey;
    private Member _section;
    private Capture _capture;
    private int _captureLength;
    private bool _captureOverflow;

    private bool _hasId;
    private bool _hasMethod;
    private bool _methodIsNotString;
    private bool _hasResult;
    private bool _hasError;
    private int _idLength;
    private int _methodLength;
    private int _codeLength;
    private bool? _isError;

    // result.tools: whether level-2 tokens are its elements, whether the current element is an object (a tool),
    // the tool's member at level 3, whether level-4 tokens are inside its annotations, and what was read of it.
    private DeclaredTools? _tools;
    private bool _inTools;
    private bool _toolOpen;
    private Member _toolKey;
    private bool _inAnnotations;
    private Member _annotationKey;
    private int _toolNameLength;
    private bool _toolReadOnly;

    public JsonRpcMessageFields(int maxTrackedStringBytes)
    {
        _maxTrackedBytes = maxTrackedStringBytes;
        // String captures keep their quotes: the id is reported as raw JSON, and an escaped method is
        // unescaped by Utf8JsonReader, which wants a whole JSON string.
        _id = new byte[maxTrackedStringBytes + 2];
        _method = new byte[maxTrackedStringBytes + 2];
    }

    private enum Member : byte
    {
        None,
        Other,
        Id,
        Method,
        Error,
        Result,
        Code,
        IsError,
        Tools,
        Name,
        Annotations,
        ReadOnlyHint,
    }

    private enum Capture : byte
    {
        None,
        Key,
        Id,
        Method,
        ErrorCode,
        IsError,
        ToolName,
        ReadOnlyHint,
    }

    /// <summary>A message object begins: forgets the previous one.</summary>
    public void Clear()
    {
        _topKey = Member.None;
        _subKey = Member.None;
        _section = Member.None;
        _capture = Capture.None;
        _hasId = false;
        _hasMethod = false;
        _methodIsNotString = false;
        _hasResult = false;
        _hasError = false;
        _idLength = 0;
        _methodLength = 0;
        _codeLength = 0;
        _isError = null;
        _tools = null;
        _inTools = false;
        _toolOpen = false;
        _inAnnotations = false;
    }

    /// <summary>A member name begins (its opening quote was read).</summary>
    public void BeginKey(int level)
    {
        if (level <= 1)
        {
            // A member of the message or of result: whatever result.tools held has ended.
            EndTool();
            _inTools = false;
        }
        else if (level == 3)
        {
            _inAnnotations = false;
        }

        var wanted = level == 0 || (level == 1 && _section != Member.None) || (level == 3 && _toolOpen) || (level == 4 && _inAnnotations);
        BeginCapture(wanted ? Capture.Key : Capture.None);
        Append("\""u8);
    }

    /// <summary>A member name ended (its closing quote was read).</summary>
    public void EndKey(int level)
    {
        if (_capture == Capture.Key)
        {
            Append("\""u8);
            var member = _captureOverflow ? Member.Other : Classify(_key.AsSpan(0, _captureLength));
            switch (level)
            {
                case 0:
                    _topKey = member;
                    break;
                case 1:
                    _subKey = member;
                    break;
                case 3:
                    _toolKey = member;
                    break;
                default:
                    _annotationKey = member;
                    break;
            }
        }

        _capture = Capture.None;
    }

    /// <summary>A value begins with <paramref name="first"/>; the value of the member whose name came last.</summary>
    public void BeginValue(int level, byte first)
    {
        var capture = Capture.None;
        if (level == 0)
        {
            switch (_topKey)
            {
                case Member.Id:
                    _hasId = true;
                    _idLength = 0;
                    capture = first == (byte)'"' || IsNumberStart(first) ? Capture.Id : Capture.None;
                    break;
                case Member.Method:
                    _hasMethod = true;
                    _methodLength = 0;
                    _methodIsNotString = first != (byte)'"';
                    capture = _methodIsNotString ? Capture.None : Capture.Method;
                    break;
                case Member.Error:
                    _hasError = true;
                    _codeLength = 0;
                    break;
                case Member.Result:
                    _hasResult = true;
                    _isError = null;
                    _tools = null;
                    break;
                default:
                    break;
            }

            // Every token at level 1 lies inside the value of the last member at level 0, so this holds until the next one.
            _section = first == (byte)'{' && _topKey is Member.Error or Member.Result ? _topKey : Member.None;
        }
        else if (level == 1 && _section == Member.Error && _subKey == Member.Code)
        {
            _codeLength = 0;
            capture = IsNumberStart(first) ? Capture.ErrorCode : Capture.None;
        }
        else if (level == 1 && _section == Member.Result && _subKey == Member.IsError)
        {
            _isError = null;
            capture = first is (byte)'t' or (byte)'f' ? Capture.IsError : Capture.None;
        }
        else if (level == 1 && _section == Member.Result && _subKey == Member.Tools)
        {
            _tools = null;
            _inTools = first == (byte)'[';
        }
        else if (level == 2 && _inTools)
        {
            // The next element of result.tools: the previous one is complete.
            EndTool();
            _toolOpen = first == (byte)'{';
            _toolKey = Member.None;
            _toolNameLength = 0;
            _toolReadOnly = false;
        }
        else if (level == 3 && _toolOpen && _toolKey == Member.Name)
        {
            _toolNameLength = 0;
            if (first == (byte)'"')
            {
                _toolName ??= new byte[_maxTrackedBytes + 2];
                capture = Capture.ToolName;
            }
        }
        else if (level == 3 && _toolOpen && _toolKey == Member.Annotations)
        {
            _toolReadOnly = false;
            _inAnnotations = first == (byte)'{';
            _annotationKey = Member.None;
        }
        else if (level == 4 && _inAnnotations && _annotationKey == Member.ReadOnlyHint)
        {
            _toolReadOnly = false;
            capture = first is (byte)'t' or (byte)'f' ? Capture.ReadOnlyHint : Capture.None;
        }

        BeginCapture(capture);
        if (first == (byte)'"' || IsNumberStart(first))
        {
            Append([first]);
        }
    }

    /// <summary>More bytes of the current name, string or number, escapes left as they are.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_capture is Capture.None or Capture.IsError or Capture.ReadOnlyHint || _captureOverflow)
        {
            return;
        }

        var buffer = _capture switch
        {
            Capture.Key => _key,
            Capture.Id => _id,
            Capture.Method => _method,
            Capture.ToolName => _toolName!,
            _ => _code,
        };

        if (bytes.Length > buffer.Length - _captureLength)
        {
            // Too long to track: reported as absent.
            _captureOverflow = true;
            return;
        }

        bytes.CopyTo(buffer.AsSpan(_captureLength));
        _captureLength += bytes.Length;
    }

    /// <summary>A string value ended (its closing quote was read).</summary>
    public void EndString()
    {
        Append("\""u8);
        if (!_captureOverflow)
        {
            if (_capture == Capture.Id)
            {
                _idLength = _captureLength;
            }
            else if (_capture == Capture.Method)
            {
                _methodLength = _captureLength;
            }
            else if (_capture == Capture.ToolName)
            {
                _toolNameLength = _captureLength;
            }
        }

        _capture = Capture.None;
    }

    /// <summary>A number ended.</summary>
    public void EndNumber()
    {
        if (!_captureOverflow)
        {
            if (_capture == Capture.Id && _captureLength <= _maxTrackedBytes)
            {
                _idLength = _captureLength;
            }
            else if (_capture == Capture.ErrorCode)
            {
                _codeLength = _captureLength;
            }
        }

        _capture = Capture.None;
    }

    /// <summary>A <c>true</c>, <c>false</c> or <c>null</c> ended.</summary>
    public void EndLiteral(byte first)
    {
        if (_capture == Capture.IsError)
        {
            _isError = first == (byte)'t';
        }
        else if (_capture == Capture.ReadOnlyHint)
        {
            _toolReadOnly = first == (byte)'t';
        }

        _capture = Capture.None;
    }

    /// <summary>The message object ended: what it was, from what it held.</summary>
    public InspectedMessage ToMessage(long bytes)
    {
        EndTool();
        // JSON-RPC 2.0 §4.1: a request without an id member is a notification; an id of null still makes a request.
        var kind = _hasMethod
            ? _methodIsNotString ? InspectedKind.Invalid : _hasId ? InspectedKind.Request : InspectedKind.Notification
            : _hasResult || _hasError ? InspectedKind.Response : InspectedKind.Invalid;

        int? code = _hasError && _codeLength > 0
            && Utf8Parser.TryParse(_code.AsSpan(0, _codeLength), out int value, out var consumed) && consumed == _codeLength
            ? value
            : null;

        return new InspectedMessage(kind, IdJson(), Method(), code, _hasResult ? _isError : null, bytes, kind == InspectedKind.Response ? _tools : null);
    }

    /// <summary>The message broke off: Invalid, with the id and method read before the break, which still tell which request it answered.</summary>
    public InspectedMessage ToInvalid(long bytes) => new(InspectedKind.Invalid, IdJson(), Method(), null, null, bytes);

    private string? IdJson() => _idLength == 0 ? null : Encoding.UTF8.GetString(_id, 0, _idLength);

    private string? Method() => Unquote(_method.AsSpan(0, _methodLength));

    /// <summary>The text of a captured JSON string (quotes included), unescaped; <see langword="null"/> when none was captured.</summary>
    private static string? Unquote(ReadOnlySpan<byte> quoted)
    {
        if (quoted.IsEmpty)
        {
            return null;
        }

        if (quoted.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(quoted[1..^1]);
        }

        try
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader.GetString();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // An escape that is no valid UTF-16 (a lone surrogate): no name to report.
            return null;
        }
    }

    /// <summary>The current element of result.tools is complete: keeps it when it named itself.</summary>
    private void EndTool()
    {
        if (_toolOpen && _toolNameLength > 0 && Unquote(_toolName.AsSpan(0, _toolNameLength)) is { Length: > 0 } name)
        {
            (_tools ??= new DeclaredTools()).TryAdd(new DeclaredTool(name, _toolReadOnly));
        }

        _toolOpen = false;
        _inAnnotations = false;
    }

    private void BeginCapture(Capture capture)
    {
        _capture = capture;
        _captureLength = 0;
        _captureOverflow = false;
    }

    private static Member Classify(ReadOnlySpan<byte> quoted)
    {
        var name = quoted[1..^1];
        if (name.IndexOf((byte)'\\') < 0)
        {
            return name switch
            {
                _ when name.SequenceEqual("id"u8) => Member.Id,
                _ when name.SequenceEqual("method"u8) => Member.Method,
                _ when name.SequenceEqual("error"u8) => Member.Error,
                _ when name.SequenceEqual("result"u8) => Member.Result,
                _ when name.SequenceEqual("code"u8) => Member.Code,
                _ when name.SequenceEqual("isError"u8) => Member.IsError,
                _ when name.SequenceEqual("tools"u8) => Member.Tools,
                _ when name.SequenceEqual("name"u8) => Member.Name,
                _ when name.SequenceEqual("annotations"u8) => Member.Annotations,
                _ when name.SequenceEqual("readOnlyHint"u8) => Member.ReadOnlyHint,
                _ => Member.Other,
            };
        }

        // An escaped name ("\u0069d" is "id"): Utf8JsonReader compares the unescaped text without allocating.
        try
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader switch
            {
                _ when reader.ValueTextEquals("id"u8) => Member.Id,
                _ when reader.ValueTextEquals("method"u8) => Member.Method,
                _ when reader.ValueTextEquals("error"u8) => Member.Error,
                _ when reader.ValueTextEquals("result"u8) => Member.Result,
                _ when reader.ValueTextEquals("code"u8) => Member.Code,
                _ when reader.ValueTextEquals("isError"u8) => Member.IsError,
                _ when reader.ValueTextEquals("tools"u8) => Member.Tools,
                _ when reader.ValueTextEquals("name"u8) => Member.Name,
                _ when reader.ValueTextEquals("annotations"u8) => Member.Annotations,
                _ when reader.ValueTextEquals("readOnlyHint"u8) => Member.ReadOnlyHint,
                _ => Member.Other,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Member.Other;
        }
    }

    private static bool IsNumberStart(byte b) => b == (byte)'-' || char.IsAsciiDigit((char)b);
}
