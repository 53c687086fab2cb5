using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Audit;

/// <summary>
/// Turns a call's <c>arguments</c> into what an audit record may hold: values under secret-sounding
/// names replaced by <c>[REDACTED]</c> at any depth, strings that look like credentials whatever their
/// name scrubbed, and the whole capped in size so one huge argument never bloats a record (CloudTrail
/// Lake rejects <c>requestParameters</c> over 100 KB).
/// </summary>
/// <remarks>
/// Names match ignoring case and the separators <c>_ - .</c> and space, when equal to or ending with a
/// listed name, so <c>apiKey</c> also catches <c>api_key</c>, <c>X-Api-Key</c> and <c>salesforceApiKey</c>.
/// The cap is kept structurally: once <see cref="MaxBytes"/> have been written, the remaining members
/// of each open object are replaced by one <c>"[TRUNCATED]": n</c> member (n = how many were left out)
/// and the remaining items of each open array by one <c>"[TRUNCATED]"</c> item, so the result is always
/// valid JSON. It may pass <see cref="MaxBytes"/> by at most one value (a string is cut at
/// <see cref="MaxStringChars"/>) plus the markers and closing brackets.
/// </remarks>
internal sealed partial class ArgumentRedactor
{
    public const string RedactedValue = "[REDACTED]";
    public const string TruncatedMarker = "[TRUNCATED]";

    /// <summary>The longest string value kept whole; longer ones are cut and end in <c>…[TRUNCATED]</c>.</summary>
    public const int MaxStringChars = 1024;

    /// <summary>The longest property name kept whole.</summary>
    public const int MaxNameChars = 256;

    /// <summary>Deeper values are replaced by the marker (the framing already refuses bodies deeper than its limit).</summary>
    public const int MaxDepth = 32;

    private const int MaxNumberChars = 64;

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 128 };

    private static readonly JsonElement s_unparseable = ParseClone("\"[UNPARSEABLE]\""u8);

    private readonly string[] _names;

    public ArgumentRedactor(IEnumerable<string> redactedNames, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(redactedNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _names = [.. redactedNames.Select(Normalize).Where(static n => n.Length > 0).Distinct(StringComparer.Ordinal)];
        MaxBytes = maxBytes;
    }

    public int MaxBytes { get; }

    /// <summary>Whether a property of this name has its value redacted.</summary>
    public bool IsRedactedName(string name)
    {
        var normalized = Normalize(name);
        foreach (var entry in _names)
        {
            if (normalized.EndsWith(entry, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The redacted, capped copy of <paramref name="arguments"/>; it does not depend on the source document.</summary>
    public JsonElement Redact(JsonElement arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Min(MaxBytes, 4096) + 256);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            WriteValue(writer, arguments, depth: 0);
        }

        return ParseClone(buffer.WrittenSpan);
    }

    /// <summary>The redacted copy of UTF-8 JSON <paramref name="utf8Json"/>, or the string <c>[UNPARSEABLE]</c> when it is not JSON.</summary>
    public JsonElement Redact(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = s_documentOptions.MaxDepth });
        JsonDocument? document;
        try
        {
            document = JsonDocument.TryParseValue(ref reader, out var parsed) ? parsed : null;
        }
        catch (JsonException)
        {
            document = null;
        }

        if (document is null)
        {
            return s_unparseable;
        }

        using (document)
        {
            return Redact(document.RootElement);
        }
    }

    /// <summary>
    /// The redacted <c>params.arguments</c> of message <paramref name="messageIndex"/> of a POST body (the
    /// body itself for one message, its element for a batch), or <see langword="null"/> when it has none.
    /// </summary>
    public JsonElement? RedactArgumentsFromBody(ReadOnlyMemory<byte> body, int messageIndex)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_documentOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var message = document.RootElement;
            if (message.ValueKind == JsonValueKind.Array)
            {
                if (messageIndex < 0 || messageIndex >= message.GetArrayLength())
                {
                    return null;
                }

                message = message[messageIndex];
            }

            return message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("params"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("arguments"u8, out var arguments)
                    ? Redact(arguments)
                    : null;
        }
    }

    /// <summary>
    /// Replaces credential-shaped substrings of free text (JWTs, <c>Bearer</c>/<c>Basic</c> values,
    /// Salesforce access tokens, PEM private keys, and the values of <c>access_token=</c>,
    /// <c>api_key=</c>, <c>password=</c>, <c>sig=</c> and the like in URLs) with <c>[REDACTED]</c>. Defence in depth for values
    /// whose name gave nothing away, and for error messages that quote what they received.
    /// </summary>
    public static string ScrubText(string text) =>
        text.Length < 8 ? text : QueryCredentialPattern().Replace(CredentialPattern().Replace(text, RedactedValue), "${name}=" + RedactedValue);

    /// <summary>Cuts <paramref name="text"/> to <paramref name="maxChars"/>, ending in <c>…[TRUNCATED]</c> when it was longer.</summary>
    public static string Cap(string text, int maxChars)
    {
        const string suffix = "…" + TruncatedMarker;
        if (text.Length <= maxChars)
        {
            return text;
        }

        var keep = Math.Max(0, maxChars - suffix.Length);
        // Don't split a surrogate pair: the half would be written as an escaped lone surrogate.
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), suffix);
    }

    /// <summary>Lowercase letters and digits only: the form names are compared in.</summary>
    public static string Normalize(string name)
    {
        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (c is '_' or '-' or '.' or ' ')
            {
                continue;
            }

            buffer[length++] = char.ToLowerInvariant(c);
        }

        return new string(buffer[..length]);
    }

    private static JsonElement ParseClone(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        return JsonElement.ParseValue(ref reader);
    }

    private static long Written(Utf8JsonWriter writer) => writer.BytesCommitted + writer.BytesPending;

    private void WriteValue(Utf8JsonWriter writer, JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when depth < MaxDepth:
                WriteObject(writer, value, depth);
                break;
            case JsonValueKind.Array when depth < MaxDepth:
                WriteArray(writer, value, depth);
                break;
            case JsonValueKind.Object or JsonValueKind.Array:
                writer.WriteStringValue(TruncatedMarker);
                break;
            case JsonValueKind.String:
                var remaining = (int)Math.Max(64, MaxBytes - Written(writer));
                writer.WriteStringValue(Cap(ScrubText(value.GetString()!), Math.Min(MaxStringChars, remaining)));
                break;
            case JsonValueKind.Number:
                var raw = value.GetRawText();
                if (raw.Length > MaxNumberChars)
                {
                    writer.WriteStringValue(TruncatedMarker);
                }
                else
                {
                    writer.WriteRawValue(raw, skipInputValidation: true);
                }

                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private void WriteObject(Utf8JsonWriter writer, JsonElement value, int depth)
    {
        writer.WriteStartObject();
        var omitted = 0;
        foreach (var property in value.EnumerateObject())
        {
            if (omitted > 0 || Written(writer) >= MaxBytes)
            {
                omitted++;
                continue;
            }

            writer.WritePropertyName(Cap(property.Name, MaxNameChars));
            if (IsRedactedName(property.Name))
            {
                writer.WriteStringValue(RedactedValue);
            }
            else
            {
                WriteValue(writer, property.Value, depth + 1);
            }
        }

        if (omitted > 0)
        {
            writer.WriteNumber(TruncatedMarker, omitted);
        }

        writer.WriteEndObject();
    }

    private void WriteArray(Utf8JsonWriter writer, JsonElement value, int depth)
    {
        writer.WriteStartArray();
        foreach (var item in value.EnumerateArray())
        {
            if (Written(writer) >= MaxBytes)
            {
                writer.WriteStringValue(TruncatedMarker);
                break;
            }

            WriteValue(writer, item, depth + 1);
        }

        writer.WriteEndArray();
    }

    // JWT/JWS (three base64url segments, the first a JSON header), an Authorization scheme and its
    // credential, a Salesforce access token (org id '!' token), a PEM private key block.
    [GeneratedRegex(
        @"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"
        + @"|(?i:\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{16,}"
        + @"|\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{16,}"
        + @"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
        RegexOptions.CultureInvariant)]
    private static partial Regex CredentialPattern();

    // name=value pairs of query strings and form-like text whose name says the value is a credential.
    [GeneratedRegex(
        @"(?<![A-Za-z0-9_])(?<name>(?:access_|refresh_|id_)?token|api_?key|passw(?:or)?d|pwd|(?:client_)?secret|sig(?:nature)?|sid)=(?<value>[^&\s#""']+)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex QueryCredentialPattern();
}
