using Broker.Core.Errors;

namespace Broker.Protocol.Messages.ListOffsets;

/// <summary>
/// One partition of a ListOffsets response: partition int32 | error_code int16 | timestamp int64 | offset int64 |
/// leader_epoch int32.
/// </summary>
public readonly record struct ListOffsetsResponsePartition
{
    internal const int EncodedBytesMin = 4 + 2 + 8 + 8 + 4;

    public int PartitionIndex { get; init; }

    public ErrorCode ErrorCode { get; init; }

    /// <summary>The timestamp of the record found for a time lookup; <see cref="ProtocolSentinels.NoTimestamp"/> for
    /// earliest and latest.</summary>
    public long Timestamp { get; init; }

    /// <summary>The offset found; <see cref="ProtocolSentinels.NoOffset"/> when no record is at or after the time.</summary>
    public long Offset { get; init; }

    /// <summary>The leader epoch of the record found, or the leader's current epoch for earliest and latest.</summary>
    public int LeaderEpoch { get; init; }

    internal static ListOffsetsResponsePartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        ErrorCode = (ErrorCode)reader.ReadInt16(),
        Timestamp = reader.ReadInt64(),
        Offset = reader.ReadInt64(),
        LeaderEpoch = reader.ReadInt32(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt64(Timestamp);
        writer.WriteInt64(Offset);
        writer.WriteInt32(LeaderEpoch);
    }
}
