using Broker.Core.Errors;

namespace Broker.Protocol.Messages.OffsetFetch;

/// <summary>
/// One partition's committed offset: partition_index int32 | committed_offset int64 | committed_leader_epoch int32 |
/// metadata string (nullable) | error_code int16.
/// </summary>
public readonly record struct OffsetFetchResponsePartition
{
    internal const int EncodedBytesMin = 4 + 8 + 4 + 2 + 2;

    public int PartitionIndex { get; init; }

    /// <summary>The committed offset; <see cref="ProtocolSentinels.NoOffset"/> when the group has none for it.</summary>
    public long CommittedOffset { get; init; }

    /// <summary>As committed; <see cref="ProtocolSentinels.NoLeaderEpoch"/> when none.</summary>
    public int CommittedLeaderEpoch { get; init; }

    public string? Metadata { get; init; }

    public ErrorCode ErrorCode { get; init; }

    internal static OffsetFetchResponsePartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        CommittedOffset = reader.ReadInt64(),
        CommittedLeaderEpoch = reader.ReadInt32(),
        Metadata = reader.ReadNullableString(),
        ErrorCode = (ErrorCode)reader.ReadInt16(),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt64(CommittedOffset);
        writer.WriteInt32(CommittedLeaderEpoch);
        writer.WriteString(Metadata);
        writer.WriteInt16((short)ErrorCode);
    }
}
