using Broker.Protocol.Messages.Fetch;

namespace Broker.Protocol.Messages.ListOffsets;

/// <summary>
/// ListOffsets v0: replica_id int32 | isolation_level int8 | topics [ListOffsetsRequestTopic]. Looks up, per
/// partition, the earliest offset, the latest, or the first offset whose timestamp is at or after a given time.
/// </summary>
public sealed class ListOffsetsRequest : IRequestMessage<ListOffsetsRequest>
{
    public static ApiKey ApiKey => ApiKey.ListOffsets;

    public int ReplicaId { get; init; } = ProtocolSentinels.ConsumerReplicaId;

    /// <summary>For <see cref="ProtocolSentinels.LatestTimestamp"/>: the high watermark (uncommitted) or the last stable offset.</summary>
    public IsolationLevel IsolationLevel { get; init; }

    public IReadOnlyList<ListOffsetsRequestTopic> Topics { get; init; } = [];

    public static ListOffsetsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListOffsets, version);
        var replicaId = reader.ReadInt32();
        var isolationLevel = (IsolationLevel)reader.ReadInt8();
        var topics = new ListOffsetsRequestTopic[reader.ReadArrayCount(ListOffsetsRequestTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = ListOffsetsRequestTopic.Read(ref reader, version);
        }

        return new ListOffsetsRequest { ReplicaId = replicaId, IsolationLevel = isolationLevel, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListOffsets, version);
        writer.WriteInt32(ReplicaId);
        writer.WriteInt8((sbyte)IsolationLevel);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
