namespace Broker.Controller.Metadata;

/// <summary>A broker as the metadata image knows it.</summary>
public sealed record BrokerRegistration(int NodeId, string Host, int Port, string? Rack, long Epoch, bool Fenced);
