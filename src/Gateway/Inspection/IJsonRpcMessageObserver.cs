namespace Gateway.Inspection;

/// <summary>Receives each JSON-RPC message <see cref="JsonRpcResponseInspector"/> finds, in body order.</summary>
internal interface IJsonRpcMessageObserver
{
    /// <summary>
    /// Called synchronously from <see cref="JsonRpcResponseInspector.Feed"/> or
    /// <see cref="JsonRpcResponseInspector.Complete"/>, so it runs on the relay's write path: keep it cheap.
    /// </summary>
    void OnMessage(in InspectedMessage message);
}
