namespace Broker.Controller.Metadata;

/// <summary>
/// A partition's leader or ISR changed. Null fields are unchanged. A new leader always comes with a new leader
/// epoch: followers use it to find where their log diverges.
/// </summary>
public sealed record PartitionChangeRecord(Guid TopicId, int PartitionIndex, int? Leader, IReadOnlyList<int>? Isr) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.PartitionChange;
}
