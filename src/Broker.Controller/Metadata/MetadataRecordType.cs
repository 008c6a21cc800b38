namespace Broker.Controller.Metadata;

/// <summary>Type tags of metadata records in the log. Numbers are persisted: never reuse or renumber one.</summary>
public enum MetadataRecordType : byte
{
    RegisterBroker = 1,
    FenceBroker = 2,
    UnfenceBroker = 3,
    Topic = 4,
    Partition = 5,
    PartitionChange = 6,
    RemoveTopic = 7,
    Config = 8,
    ProducerIds = 9,
}
