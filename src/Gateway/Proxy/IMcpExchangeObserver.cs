namespace Gateway.Proxy;

/// <summary>
/// What later steps (telemetry, audit) learn from the request path, without reaching back into it
/// (DESIGN.md "The request path": data flows one way). Called on the request's own flow, so an
/// observer may set <see cref="System.Diagnostics.Activity.Current"/> for the forwarding that follows.
/// </summary>
internal interface IMcpExchangeObserver
{
    /// <summary>The exchange is validated (or refused) and about to be forwarded (or answered).</summary>
    void OnReady(HttpContext context, McpExchange exchange);

    /// <summary>The exchange is over: the response was relayed or the rejection written.</summary>
    void OnCompleted(HttpContext context, McpExchange exchange);
}
