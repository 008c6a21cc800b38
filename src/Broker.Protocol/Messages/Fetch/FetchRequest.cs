namespace Broker.Protocol.Messages.Fetch;

/// <summary>
/// Fetch v0: replica_id int32 | max_wait_ms int32 | min_bytes int32 | max_bytes int32 | isolation_level int8 |
/// topics [FetchRequestTopic]. A long poll: the server answers once <see cref="MinBytes"/> are available or
/// <see cref="MaxWaitMs"/> has passed, with at most <see cref="MaxBytes"/> of records in all (but always at least
/// one whole batch of the first non-empty partition, so a batch larger than the limits cannot stall a consumer).
/// </summary>
public sealed class FetchRequest : IRequestMessage<FetchRequest>
{
    public static ApiKey ApiKey => ApiKey.Fetch;

    /// <summary><see cref="ProtocolSentinels.ConsumerReplicaId"/> for consumers; the follower's node id for replication.</summary>
    public int ReplicaId { get; init; } = ProtocolSentinels.ConsumerReplicaId;

    public int MaxWaitMs { get; init; }

    public int MinBytes { get; init; }

    /// <summary>Cap on the records of the whole response, in bytes.</summary>
    public int MaxBytes { get; init; }

    public IsolationLevel IsolationLevel { get; init; }

    public IReadOnlyList<FetchRequestTopic> Topics { get; init; } = [];

    public static FetchRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Fetch, version);
        var replicaId = reader.ReadInt32();
        var maxWaitMs = reader.ReadInt32();
        var minBytes = reader.ReadInt32();
        var maxBytes = reader.ReadInt32();
        var isolationLevel = (IsolationLevel)reader.ReadInt8();
        var topics = new FetchRequestTopic[reader.ReadArrayCount(FetchRequestTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = FetchRequestTopic.Read(ref reader, version);
        }

        return new FetchRequest
        {
            ReplicaId = replicaId,
            MaxWaitMs = maxWaitMs,
            MinBytes = minBytes,
            MaxBytes = maxBytes,
            IsolationLevel = isolationLevel,
            Topics = topics,
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Fetch, version);
        writer.WriteInt32(ReplicaId);
        writer.WriteInt32(MaxWaitMs);
        writer.WriteInt32(MinBytes);
        writer.WriteInt32(MaxBytes);
        writer.WriteInt8((sbyte)IsolationLevel);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
