namespace Broker.Controller.Metadata;

/// <summary>A partition was created with its replica set, in-sync replicas, leader and leader epoch.</summary>
public sealed record PartitionRecord(Guid TopicId, int PartitionIndex, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr, int Leader, int LeaderEpoch)
    : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.Partition;
}
