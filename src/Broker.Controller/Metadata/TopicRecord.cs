namespace Broker.Controller.Metadata;

/// <summary>A topic came into being. The id survives a delete-and-recreate of the same name as a different id.</summary>
public sealed record TopicRecord(string Name, Guid TopicId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.Topic;
}
