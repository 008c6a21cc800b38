namespace Broker.Protocol.Messages.CreateTopics;

/// <summary>
/// One topic to create: name string | num_partitions int32 | replication_factor int16 | configs [ConfigEntry].
/// </summary>
public sealed class CreateTopicsRequestTopic
{
    internal const int EncodedBytesMin = 2 + 4 + 2 + 4;

    public required string Name { get; init; }

    /// <summary><see cref="ProtocolSentinels.DefaultPartitionCount"/> for the broker's num.partitions.</summary>
    public int NumPartitions { get; init; } = ProtocolSentinels.DefaultPartitionCount;

    /// <summary><see cref="ProtocolSentinels.DefaultReplicationFactor"/> for the broker's default.replication.factor.</summary>
    public short ReplicationFactor { get; init; } = ProtocolSentinels.DefaultReplicationFactor;

    /// <summary>Topic-level overrides (retention.ms, cleanup.policy, ...).</summary>
    public IReadOnlyList<ConfigEntry> Configs { get; init; } = [];

    internal static CreateTopicsRequestTopic Read(ref ProtocolReader reader, short version) => new()
    {
        Name = reader.ReadString(),
        NumPartitions = reader.ReadInt32(),
        ReplicationFactor = reader.ReadInt16(),
        Configs = ConfigEntry.ReadArray(ref reader),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(Name);
        writer.WriteInt32(NumPartitions);
        writer.WriteInt16(ReplicationFactor);
        ConfigEntry.WriteArray(ref writer, Configs);
    }
}
