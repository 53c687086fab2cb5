using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Gateway.Mcp;

/// <summary>
/// The one place that turns a <see cref="McpRejection"/> into an HTTP response: the status code and
/// a JSON-RPC 2.0 error object (JSON-RPC 2.0 §5), id echoed when it was readable, else null. The MCP
/// transport allows a JSON-RPC error body on every HTTP error ("The HTTP response body MAY comprise
/// a JSON-RPC error response that has no id", MCP 2025-03-26 basic/transports).
/// </summary>
internal static class JsonRpcErrorWriter
{
    private static readonly JsonWriterOptions s_writerOptions = new() { SkipValidation = true };

    public static async Task WriteAsync(HttpContext context, McpRejection rejection)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Nothing can be said any more; the connection is the only signal left.
            context.Abort();
            return;
        }

        response.Clear();
        response.StatusCode = rejection.StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers[HeaderNames.CacheControl] = "no-store";
        if (rejection.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers.Append(name, value);
            }
        }

        Write(response.BodyWriter, rejection);
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    internal static void Write(System.Buffers.IBufferWriter<byte> output, McpRejection rejection)
    {
        using var writer = new Utf8JsonWriter(output, s_writerOptions);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        if (rejection.IdJson is { } id)
        {
            writer.WriteRawValue(id, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, rejection.Code);
        writer.WriteString("message"u8, rejection.Message);
        writer.WriteStartObject("data"u8);
        writer.WriteString("reason"u8, rejection.Reason);
        if (rejection.SupportedVersions is { } supported)
        {
            writer.WriteStartArray("supported"u8);
            foreach (var version in supported)
            {
                writer.WriteStringValue(version);
            }

            writer.WriteEndArray();
            writer.WriteString("requested"u8, rejection.RequestedVersion);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }
}
