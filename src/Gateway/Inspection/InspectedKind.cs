namespace Gateway.Inspection;

/// <summary>What one JSON-RPC message seen in an upstream response body is (JSON-RPC 2.0 §4, §5).</summary>
internal enum InspectedKind : byte
{
    /// <summary>A <c>method</c> and an <c>id</c>: a server-to-client request (sampling, elicitation, roots, ping).</summary>
    Request,

    /// <summary>A <c>method</c> and no <c>id</c>: progress, logging, list-changed and other notifications.</summary>
    Notification,

    /// <summary>A <c>result</c> or an <c>error</c> and no <c>method</c>.</summary>
    Response,

    /// <summary>
    /// Not a JSON-RPC message: malformed or truncated JSON, a value that is not an object, an empty batch,
    /// an object with neither <c>method</c> nor <c>result</c>/<c>error</c>, or a <c>method</c> that is not a string.
    /// </summary>
    Invalid,
}
