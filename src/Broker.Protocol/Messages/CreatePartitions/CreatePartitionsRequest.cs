namespace Broker.Protocol.Messages.CreatePartitions;

/// <summary>
/// CreatePartitions v0: topics [CreatePartitionsRequestTopic] | timeout_ms int32 | validate_only bool. Grows topics
/// to a new total partition count; partitions are never removed (a smaller count is INVALID_PARTITIONS).
/// </summary>
public sealed class CreatePartitionsRequest : IRequestMessage<CreatePartitionsRequest>
{
    public static ApiKey ApiKey => ApiKey.CreatePartitions;

    public IReadOnlyList<CreatePartitionsRequestTopic> Topics { get; init; } = [];

    public int TimeoutMs { get; init; }

    public bool ValidateOnly { get; init; }

    public static CreatePartitionsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.CreatePartitions, version);
        var topics = new CreatePartitionsRequestTopic[reader.ReadArrayCount(CreatePartitionsRequestTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = CreatePartitionsRequestTopic.Read(ref reader, version);
        }

        return new CreatePartitionsRequest { Topics = topics, TimeoutMs = reader.ReadInt32(), ValidateOnly = reader.ReadBoolean() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.CreatePartitions, version);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }

        writer.WriteInt32(TimeoutMs);
        writer.WriteBoolean(ValidateOnly);
    }
}
