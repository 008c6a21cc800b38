namespace Broker.Controller.Metadata;

/// <summary>A broker missed its lease (or shut down): it may lead no partition until unfenced.</summary>
public sealed record FenceBrokerRecord(int NodeId, long Epoch) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.FenceBroker;
}
