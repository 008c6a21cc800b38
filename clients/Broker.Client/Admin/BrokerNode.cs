namespace Broker.Client.Admin;

/// <summary>A live broker as the cluster's metadata lists it.</summary>
public sealed record BrokerNode(int NodeId, string Host, int Port, string? Rack)
{
    public Network.BrokerEndpoint Endpoint => new(Host, Port);
}
