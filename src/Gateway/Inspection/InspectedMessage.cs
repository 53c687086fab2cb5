namespace Gateway.Inspection;

/// <summary>
/// What the response inspector kept of one JSON-RPC message: enough to audit and trace it, never the payload.
/// </summary>
/// <param name="Kind">Request, notification, response, or not a JSON-RPC message at all.</param>
/// <param name="IdJson">
/// The top-level <c>id</c> exactly as it stood in the body (<c>"abc"</c> with its quotes and escapes, or <c>7</c>);
/// <see langword="null"/> when absent, <c>null</c>, not a string or number, or longer than the tracking limit.
/// </param>
/// <param name="Method">The top-level <c>method</c>, unescaped; <see langword="null"/> when absent or longer than the tracking limit.</param>
/// <param name="ErrorCode">The integer <c>error.code</c> of an error response; otherwise <see langword="null"/>.</param>
/// <param name="IsError">
/// The boolean <c>result.isError</c> of a result (MCP tools/call); <see langword="null"/> when absent or not a boolean.
/// </param>
/// <param name="Bytes">
/// The size of the message's JSON text in bytes. For <see cref="InspectedKind.Invalid"/> caused by malformed or
/// truncated JSON it is the size of the whole SSE event's data (its lines joined with LF) or of the whole body.
/// </param>
/// <param name="Tools">
/// The tools a result's <c>tools</c> array declared (what a <c>tools/list</c> result holds), each with its
/// <c>annotations.readOnlyHint</c>; <see langword="null"/> when the result has no such array, or it is empty.
/// Whether the message answered a <c>tools/list</c> is for the reader to check, by its id.
/// </param>
internal readonly record struct InspectedMessage(InspectedKind Kind, string? IdJson, string? Method, int? ErrorCode, bool? IsError, long Bytes, DeclaredTools? Tools = null);
