namespace Broker.Protocol.Messages.Fetch;

/// <summary>
/// One partition of a Fetch request: partition int32 | current_leader_epoch int32 | fetch_offset int64 |
/// log_start_offset int64 | partition_max_bytes int32.
/// </summary>
public readonly record struct FetchRequestPartition
{
    internal const int EncodedBytesMin = 4 + 4 + 8 + 8 + 4;

    public int PartitionIndex { get; init; }

    /// <summary>The leader epoch the fetcher believes current, checked by the leader (FENCED_LEADER_EPOCH /
    /// UNKNOWN_LEADER_EPOCH); <see cref="ProtocolSentinels.NoLeaderEpoch"/> skips the check.</summary>
    public int CurrentLeaderEpoch { get; init; }

    /// <summary>The first offset wanted. The response starts at the batch containing it.</summary>
    public long FetchOffset { get; init; }

    /// <summary>A follower's own log start offset; <see cref="ProtocolSentinels.NoOffset"/> from consumers.</summary>
    public long LogStartOffset { get; init; }

    /// <summary>Cap on this partition's records, in bytes (except the first batch of the response, see FetchRequest).</summary>
    public int PartitionMaxBytes { get; init; }

    internal static FetchRequestPartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        CurrentLeaderEpoch = reader.ReadInt32(),
        FetchOffset = reader.ReadInt64(),
        LogStartOffset = reader.ReadInt64(),
        PartitionMaxBytes = reader.ReadInt32(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt32(CurrentLeaderEpoch);
        writer.WriteInt64(FetchOffset);
        writer.WriteInt64(LogStartOffset);
        writer.WriteInt32(PartitionMaxBytes);
    }
}
