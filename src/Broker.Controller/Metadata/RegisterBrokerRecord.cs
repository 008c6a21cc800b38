namespace Broker.Controller.Metadata;

/// <summary>A broker announced itself with the address clients should use. Brokers start fenced.</summary>
public sealed record RegisterBrokerRecord(int NodeId, string Host, int Port, string? Rack, long Epoch) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RegisterBroker;
}
