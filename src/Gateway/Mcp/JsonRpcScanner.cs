using System.Text.Json;
using System.Text.Unicode;

namespace Gateway.Mcp;

/// <summary>
/// Validates a POST body in one forward pass with <see cref="Utf8JsonReader"/>: UTF-8, JSON syntax,
/// nesting depth and the JSON-RPC 2.0 envelope, keeping only the top-level <c>jsonrpc</c>,
/// <c>method</c>, <c>id</c>, <c>result</c>/<c>error</c>, <c>params.name</c>/<c>params.uri</c> and the
/// trace context in <c>params._meta</c>.
/// No DOM is built and nothing else of the body is copied (perf-calibration.md: no DOM, no string
/// copies of the body on the hot path).
/// </summary>
internal static class JsonRpcScanner
{
    /// <summary>Validates <paramref name="body"/>; on failure <paramref name="rejection"/> says why (400 with -32700 or -32600).</summary>
    public static bool TryScan(ReadOnlySpan<byte> body, int maxDepth, bool allowBatch, string protocolVersion,
        [NotNullWhen(true)] out McpMessage? message, [NotNullWhen(false)] out McpRejection? rejection)
    {
        message = null;

        // Utf8JsonReader checks UTF-8 only inside the strings it decodes; one vectorised pass up front
        // makes "valid UTF-8" a property of the whole body (RFC 8259 §8.1: JSON text MUST be UTF-8).
        if (!Utf8.IsValid(body))
        {
            rejection = ParseError("The request body is not valid UTF-8.");
            return false;
        }

        // The reader's own limit sits one above ours so that we, not the reader, report the depth.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            if (!reader.Read())
            {
                rejection = ParseError("The request body is empty.");
                return false;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (!TryScanObject(ref reader, maxDepth, out var single, out rejection))
                {
                    // A syntax error later in the body outranks an envelope error (-32700 before -32600).
                    Drain(ref reader, maxDepth);
                    return false;
                }

                message = new McpMessage(single);
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                if (!allowBatch)
                {
                    // "Remove support for JSON-RPC batching" (MCP 2025-06-18 changelog #1).
                    rejection = InvalidRequest("batch_not_supported",
                        $"JSON-RPC batches are not supported in MCP protocol version {protocolVersion}; send one message per POST.", null);
                    return false;
                }

                if (!TryScanBatch(ref reader, maxDepth, out var batch, out rejection))
                {
                    Drain(ref reader, maxDepth);
                    return false;
                }

                message = new McpMessage(batch);
            }
            else
            {
                // Still read to the end so that a syntax error is reported as one.
                Drain(ref reader, maxDepth);

                rejection = InvalidRequest("not_an_object", "The request body must be a JSON-RPC object" + (allowBatch ? " or batch array." : "."), null);
                return false;
            }

            // Only whitespace may follow the root value; the reader throws on anything else.
            if (reader.Read())
            {
                rejection = ParseError("Unexpected data after the JSON value.");
                message = null;
                return false;
            }

            rejection = null;
            return true;
        }
        catch (DepthExceededException)
        {
            rejection = InvalidRequest("too_deep", $"The JSON nesting depth exceeds the limit of {maxDepth}.", null);
            message = null;
            return false;
        }
        catch (JsonException)
        {
            // The exception text names offsets in the caller's body; a fixed message is enough for a
            // client and leaks nothing (STYLE.md §5: client-visible messages never carry exception text).
            rejection = ParseError("The request body is not valid JSON.");
            message = null;
            return false;
        }
    }

    private static bool TryScanBatch(ref Utf8JsonReader reader, int maxDepth,
        [NotNullWhen(true)] out JsonRpcMessage[]? batch, [NotNullWhen(false)] out McpRejection? rejection)
    {
        var messages = new List<JsonRpcMessage>();
        var hasResponses = false;
        var hasCalls = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                batch = null;
                rejection = InvalidRequest("invalid_batch_element", "Every element of a JSON-RPC batch must be a JSON-RPC object.", null);
                SkipValue(ref reader, maxDepth);
                return false;
            }

            if (!TryScanObject(ref reader, maxDepth, out var element, out rejection))
            {
                // One bad element refuses the whole body: the gateway forwards bodies, not parts of them.
                batch = null;
                return false;
            }

            hasResponses |= element.Kind == JsonRpcKind.Response;
            hasCalls |= element.Kind != JsonRpcKind.Response;
            messages.Add(element);
        }

        if (messages.Count == 0)
        {
            batch = null;
            rejection = InvalidRequest("empty_batch", "A JSON-RPC batch must not be empty.", null);
            return false;
        }

        if (hasResponses && hasCalls)
        {
            // MCP 2025-03-26 basic/transports: a batch is "of requests and/or notifications, or of responses".
            batch = null;
            rejection = InvalidRequest("mixed_batch", "A JSON-RPC batch must hold either requests and notifications, or responses, not both.", null);
            return false;
        }

        batch = [.. messages];
        rejection = null;
        return true;
    }

    /// <summary>Reads one object whose <see cref="JsonTokenType.StartObject"/> is the current token.</summary>
    private static bool TryScanObject(ref Utf8JsonReader reader, int maxDepth,
        [NotNullWhen(true)] out JsonRpcMessage? message, [NotNullWhen(false)] out McpRejection? rejection)
    {
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new DepthExceededException();
        }

        var versionOk = false;
        var versionSeen = false;
        string? method = null;
        var methodInvalid = false;
        string? idJson = null;
        var idSeen = false;
        var idInvalid = false;
        ParamsFields fields = default;
        var paramsInvalid = false;
        var hasResult = false;
        var hasError = false;
        var errorInvalid = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("jsonrpc"u8))
            {
                reader.Read();
                versionSeen = true;
                versionOk = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
                SkipValue(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    method = McpMethods.Intern(ref reader);
                    methodInvalid = method.Length == 0;
                }
                else
                {
                    methodInvalid = true;
                    SkipValue(ref reader, maxDepth);
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                idSeen = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String or JsonTokenType.Number:
                        idJson = RawToken(ref reader);
                        break;
                    case JsonTokenType.Null:
                        idJson = null;
                        break;
                    default:
                        idInvalid = true;
                        SkipValue(ref reader, maxDepth);
                        break;
                }
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    fields = ScanParams(ref reader, maxDepth);
                }
                else
                {
                    // JSON-RPC 2.0 §4.2: params, if present, MUST be a structured value.
                    paramsInvalid = reader.TokenType != JsonTokenType.StartArray;
                    SkipValue(ref reader, maxDepth);
                }
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                hasResult = true;
                SkipValue(ref reader, maxDepth);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                hasError = true;
                errorInvalid = !ScanErrorObject(ref reader, maxDepth);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader, maxDepth);
            }
        }

        if (!versionSeen || !versionOk)
        {
            return Fail("invalid_jsonrpc_version", "The message must carry \"jsonrpc\": \"2.0\".", idJson, out message, out rejection);
        }

        if (idInvalid)
        {
            return Fail("invalid_id", "The id must be a string or a number.", null, out message, out rejection);
        }

        if (method is not null || methodInvalid)
        {
            if (methodInvalid)
            {
                return Fail("invalid_method", "The method must be a non-empty string.", idJson, out message, out rejection);
            }

            if (hasResult || hasError)
            {
                return Fail("invalid_envelope", "A request or notification must not carry result or error.", idJson, out message, out rejection);
            }

            if (paramsInvalid)
            {
                return Fail("invalid_params", "The params must be an object or an array.", idJson, out message, out rejection);
            }

            if (idSeen && idJson is null)
            {
                // MCP basic/index: "Unlike base JSON-RPC, the ID MUST NOT be null."
                return Fail("invalid_id", "The id of a request must not be null.", null, out message, out rejection);
            }

            message = new JsonRpcMessage
            {
                Kind = idSeen ? JsonRpcKind.Request : JsonRpcKind.Notification,
                Method = method,
                IdJson = idJson,
                // resources/read names its target by uri; tools/call and prompts/get by name.
                Target = ReferenceEquals(method, McpMethods.ResourcesRead) ? fields.Uri : fields.Name ?? fields.Uri,
                TraceParent = fields.TraceParent,
                TraceState = fields.TraceState,
            };
            rejection = null;
            return true;
        }

        if (!idSeen)
        {
            return Fail("missing_method", "The message has neither a method (request or notification) nor an id (response).", null, out message, out rejection);
        }

        if (hasResult == hasError)
        {
            return Fail("invalid_response", "A response must carry exactly one of result and error.", idJson, out message, out rejection);
        }

        if (errorInvalid)
        {
            return Fail("invalid_error_object", "A response error must be an object with an integer code and a string message.", idJson, out message, out rejection);
        }

        message = new JsonRpcMessage { Kind = JsonRpcKind.Response, IdJson = idJson, IsError = hasError };
        rejection = null;
        return true;
    }

    /// <summary>
    /// Reads the params object, returning its top-level <c>name</c> and <c>uri</c> strings and the
    /// <c>traceparent</c> and <c>tracestate</c> strings of its <c>_meta</c> object.
    /// </summary>
    private static ParamsFields ScanParams(ref Utf8JsonReader reader, int maxDepth)
    {
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new DepthExceededException();
        }

        ParamsFields fields = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isName = reader.ValueTextEquals("name"u8);
            var isUri = !isName && reader.ValueTextEquals("uri"u8);
            var isMeta = !isName && !isUri && reader.ValueTextEquals("_meta"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && (isName || isUri))
            {
                if (isName)
                {
                    fields.Name = reader.GetString();
                }
                else
                {
                    fields.Uri = reader.GetString();
                }
            }
            else if (isMeta && reader.TokenType == JsonTokenType.StartObject)
            {
                ScanMeta(ref reader, maxDepth, ref fields);
            }
            else
            {
                SkipValue(ref reader, maxDepth);
            }
        }

        return fields;
    }

    /// <summary>
    /// Reads <c>params._meta</c>, keeping the W3C trace context a client's MCP span propagates in the message
    /// (semconv gen-ai/mcp.md "Context propagation", SEP-414: unprefixed <c>traceparent</c>, <c>tracestate</c>).
    /// </summary>
    private static void ScanMeta(ref Utf8JsonReader reader, int maxDepth, ref ParamsFields fields)
    {
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new DepthExceededException();
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isParent = reader.ValueTextEquals("traceparent"u8);
            var isState = !isParent && reader.ValueTextEquals("tracestate"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && isParent)
            {
                fields.TraceParent = reader.GetString();
            }
            else if (reader.TokenType == JsonTokenType.String && isState)
            {
                fields.TraceState = reader.GetString();
            }
            else
            {
                SkipValue(ref reader, maxDepth);
            }
        }
    }

    private struct ParamsFields
    {
        public string? Name;
        public string? Uri;
        public string? TraceParent;
        public string? TraceState;
    }

    private static bool ScanErrorObject(ref Utf8JsonReader reader, int maxDepth)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader, maxDepth);
            return false;
        }

        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new DepthExceededException();
        }

        var codeOk = false;
        var messageOk = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCode = reader.ValueTextEquals("code"u8);
            var isMessage = !isCode && reader.ValueTextEquals("message"u8);
            reader.Read();
            if (isCode)
            {
                codeOk = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out _);
            }
            else if (isMessage)
            {
                messageOk = reader.TokenType == JsonTokenType.String;
            }

            SkipValue(ref reader, maxDepth);
        }

        return codeOk && messageOk;
    }

    /// <summary>Reads to the end of the body, so a later syntax error or excess depth is still found.</summary>
    private static void Drain(ref Utf8JsonReader reader, int maxDepth)
    {
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > maxDepth)
            {
                throw new DepthExceededException();
            }
        }
    }

    /// <summary>Skips the current value, enforcing <paramref name="maxDepth"/> on every container inside it.</summary>
    private static void SkipValue(ref Utf8JsonReader reader, int maxDepth)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        if (depth + 1 > maxDepth)
        {
            throw new DepthExceededException();
        }

        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > maxDepth)
            {
                throw new DepthExceededException();
            }
        }
    }

    private static string RawToken(ref Utf8JsonReader reader)
    {
        // The id is echoed byte for byte in error responses, so keep its JSON form (quotes included).
        var span = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
        if (reader.TokenType != JsonTokenType.String)
        {
            return System.Text.Encoding.UTF8.GetString(span);
        }

        // ValueSpan is the still-escaped text between the quotes, so quoting it again is valid JSON.
        return string.Concat("\"", System.Text.Encoding.UTF8.GetString(span), "\"");
    }

    private static bool Fail(string reason, string text, string? idJson, out JsonRpcMessage? message, out McpRejection? rejection)
    {
        message = null;
        rejection = InvalidRequest(reason, text, idJson);
        return false;
    }

    internal static McpRejection ParseError(string text) =>
        new(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ParseError, "parse_error", text);

    internal static McpRejection InvalidRequest(string reason, string text, string? idJson) =>
        new(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest, reason, text) { IdJson = idJson };

    /// <summary>Thrown inside the scan only; turned into a rejection by the public entry point.</summary>
    private sealed class DepthExceededException : JsonException;
}
