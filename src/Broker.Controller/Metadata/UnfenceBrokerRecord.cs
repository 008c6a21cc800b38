namespace Broker.Controller.Metadata;

/// <summary>A registered broker is alive and caught up: it may lead partitions.</summary>
public sealed record UnfenceBrokerRecord(int NodeId, long Epoch) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.UnfenceBroker;
}
