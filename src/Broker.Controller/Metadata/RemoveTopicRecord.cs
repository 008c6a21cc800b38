namespace Broker.Controller.Metadata;

/// <summary>A topic and all its partitions were deleted.</summary>
public sealed record RemoveTopicRecord(Guid TopicId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RemoveTopic;
}
