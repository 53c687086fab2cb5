using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Mcp;

/// <summary>
/// Reads a POST body into one array, bounded by <see cref="McpOptions.MaxRequestBodyBytes"/>, and puts
/// it back as the request body so the forwarder sends exactly the bytes that were validated. Reading
/// the stream without handing it back makes the forwarder send nothing ("Content-Length promised",
/// yarp-notes.md "Replaying a request after a 401").
/// </summary>
internal static class McpRequestBody
{
    public static async ValueTask<(ReadOnlyMemory<byte> Body, McpRejection? Rejection)> ReadAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }

        // Kestrel's own limit (30 MB) must not answer before ours does, with a different error.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        try
        {
            return await ReadCoreAsync(context, maxBytes);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own verdicts on the body (over its limit, malformed chunking, client too slow).
            return (default, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : new McpRejection(StatusCodes.Status400BadRequest, JsonRpcErrorCodes.ParseError, "request_body_failed", "The request body could not be read."));
        }
    }

    private static async ValueTask<(ReadOnlyMemory<byte> Body, McpRejection? Rejection)> ReadCoreAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        byte[] buffer;
        int length;
        if (request.ContentLength is { } known)
        {
            buffer = new byte[known];
            length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted);
            if (length < buffer.Length)
            {
                return (default, JsonRpcScanner.ParseError("The request body is shorter than its Content-Length."));
            }
        }
        else
        {
            (buffer, length) = await ReadChunkedAsync(request.Body, maxBytes, context.RequestAborted);
            if (length > maxBytes)
            {
                return (default, TooLarge(maxBytes));
            }
        }

        var body = buffer.AsMemory(0, length);
        request.Body = new MemoryStream(buffer, 0, length, writable: false, publiclyVisible: true);
        request.ContentLength = length;
        request.Headers.Remove("Transfer-Encoding");
        return (body, null);
    }

    private static async ValueTask<(byte[] Buffer, int Length)> ReadChunkedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var writer = new ArrayBufferWriter<byte>(4096);
        while (writer.WrittenCount <= maxBytes)
        {
            var read = await body.ReadAsync(writer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                break;
            }

            writer.Advance(read);
        }

        return (writer.WrittenSpan.ToArray(), writer.WrittenCount);
    }

    private static McpRejection TooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, JsonRpcErrorCodes.InvalidRequest, "body_too_large",
            $"The request body exceeds the limit of {maxBytes} bytes (Gateway:Mcp:MaxRequestBodyBytes).");
}
