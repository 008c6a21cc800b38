namespace Broker.Protocol.Messages.ListOffsets;

/// <summary>One partition of a ListOffsets request: partition int32 | current_leader_epoch int32 | timestamp int64.</summary>
public readonly record struct ListOffsetsRequestPartition
{
    internal const int EncodedBytesMin = 4 + 4 + 8;

    public int PartitionIndex { get; init; }

    /// <summary>Checked by the leader as in Fetch; <see cref="ProtocolSentinels.NoLeaderEpoch"/> skips the check.</summary>
    public int CurrentLeaderEpoch { get; init; }

    /// <summary><see cref="ProtocolSentinels.EarliestTimestamp"/> (-2), <see cref="ProtocolSentinels.LatestTimestamp"/>
    /// (-1), or a time in milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; init; }

    internal static ListOffsetsRequestPartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        CurrentLeaderEpoch = reader.ReadInt32(),
        Timestamp = reader.ReadInt64(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt32(CurrentLeaderEpoch);
        writer.WriteInt64(Timestamp);
    }
}
