namespace Broker.Protocol;

/// <summary>
/// The request kinds of the native protocol, carried as int16 in the request header. The numbers are Kafka's
/// so operators recognise them; the bodies are our own (see docs/protocol.md). A key named here but absent from
/// <see cref="ApiVersionsTable.Supported"/> (the group APIs until the coordinator serves them) is answered
/// UNSUPPORTED_VERSION, so the numbering never moves.
/// </summary>
public enum ApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    LeaveGroup = 13,
    DescribeGroups = 15,
    ListGroups = 16,
    ApiVersions = 18,
    CreateTopics = 19,
    DeleteTopics = 20,
    InitProducerId = 22,
    DescribeConfigs = 32,
    AlterConfigs = 33,
    CreatePartitions = 37,
    DeleteGroups = 42,
    ConsumerGroupHeartbeat = 68,
}
