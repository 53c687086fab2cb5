using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>Proxy log events, EventIds 1000–1999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "UpstreamEndpoint", Level = LogLevel.Information,
        Message = "Forwarding MCP traffic to {Endpoint}.")]
    public static partial void UpstreamEndpoint(this ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 1002, EventName = "UpstreamEndpointIsBeta", Level = LogLevel.Warning,
        Message = "Gateway:Upstream:Endpoint {Endpoint} is a Salesforce beta URL; beta URLs stop working once beta access is retired. The GA form is {Suggestion} (GA also replaces the scopes 'api sfap_api refresh_token einstein_gpt_api' with 'mcp_api refresh_token').")]
    public static partial void UpstreamEndpointIsBeta(this ILogger logger, Uri endpoint, Uri suggestion);

    [LoggerMessage(EventId = 1003, EventName = "UpstreamEndpointLooksMisspelled", Level = LogLevel.Warning,
        Message = "Gateway:Upstream:Endpoint {Endpoint} names 'subject-…', which looks like a typo: Salesforce's standard servers are 'sobject-all', 'sobject-reads', 'sobject-mutations', 'sobject-deletes'. Did you mean {Suggestion}?")]
    public static partial void UpstreamEndpointLooksMisspelled(this ILogger logger, Uri endpoint, Uri suggestion);

    [LoggerMessage(EventId = 1004, EventName = "ListeningForMcp", Level = LogLevel.Information,
        Message = "MCP endpoint for clients: {McpUrl}")]
    public static partial void ListeningForMcp(this ILogger logger, string mcpUrl);

    [LoggerMessage(EventId = 1010, EventName = "ForwardingFailed", Level = LogLevel.Warning,
        Message = "Forwarding to the upstream failed with {ForwarderError} ({ExceptionType}); answered {StatusCode}.")]
    public static partial void ForwardingFailed(this ILogger logger, ForwarderError forwarderError, string exceptionType, int statusCode);

    [LoggerMessage(EventId = 1011, EventName = "UpstreamServerDefinitionNotFound", Level = LogLevel.Error,
        Message = "The upstream {Endpoint} answered 404 '{Detail}': the configured server path is wrong or the server is not activated in the org.")]
    public static partial void UpstreamServerDefinitionNotFound(this ILogger logger, Uri endpoint, string detail);

    [LoggerMessage(EventId = 1012, EventName = "UpstreamRejectedCredential", Level = LogLevel.Error,
        Message = "The upstream answered {StatusCode} to the gateway's credential (hint: {Hint}).")]
    public static partial void UpstreamRejectedCredential(this ILogger logger, int statusCode, string hint);

    [LoggerMessage(EventId = 1013, EventName = "RequestRejected", Level = LogLevel.Debug,
        Message = "Refused an MCP request with {StatusCode}: {Reason}.")]
    public static partial void RequestRejected(this ILogger logger, int statusCode, string reason);

    [LoggerMessage(EventId = 1014, EventName = "UpstreamCredentialUnavailable", Level = LogLevel.Warning,
        Message = "No upstream credential is available: {Error}")]
    public static partial void UpstreamCredentialUnavailable(this ILogger logger, string error);
}
