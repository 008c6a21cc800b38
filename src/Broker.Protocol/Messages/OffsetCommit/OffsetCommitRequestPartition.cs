namespace Broker.Protocol.Messages.OffsetCommit;

/// <summary>
/// One offset to commit: partition_index int32 | committed_offset int64 | committed_leader_epoch int32 |
/// committed_metadata string (nullable).
/// </summary>
public readonly record struct OffsetCommitRequestPartition
{
    internal const int EncodedBytesMin = 4 + 8 + 4 + 2;

    public int PartitionIndex { get; init; }

    /// <summary>The offset of the next record to consume (one past the last one processed).</summary>
    public long CommittedOffset { get; init; }

    /// <summary>The leader epoch of the last record consumed, so a consumer resuming here can detect log
    /// truncation; <see cref="ProtocolSentinels.NoLeaderEpoch"/> when not known.</summary>
    public int CommittedLeaderEpoch { get; init; }

    /// <summary>Free text for the application, stored with the offset.</summary>
    public string? CommittedMetadata { get; init; }

    internal static OffsetCommitRequestPartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        CommittedOffset = reader.ReadInt64(),
        CommittedLeaderEpoch = reader.ReadInt32(),
        CommittedMetadata = reader.ReadNullableString(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt64(CommittedOffset);
        writer.WriteInt32(CommittedLeaderEpoch);
        writer.WriteString(CommittedMetadata);
    }
}
