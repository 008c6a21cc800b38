using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Fetch;

/// <summary>
/// One partition of a Fetch response: partition int32 | error_code int16 | high_watermark int64 |
/// last_stable_offset int64 | log_start_offset int64 | records bytes (raw RecordBatch v2, possibly ending in a
/// partial batch that the consumer drops, as Kafka's may).
/// </summary>
public readonly record struct FetchResponsePartition
{
    internal const int EncodedBytesMin = 4 + 2 + 8 + 8 + 8 + 4;

    public int PartitionIndex { get; init; }

    public ErrorCode ErrorCode { get; init; }

    /// <summary>The offset after the last record every in-sync replica has: consumers read below it.</summary>
    public long HighWatermark { get; init; }

    /// <summary>The offset below which no transaction is open; equal to the high watermark without transactions.</summary>
    public long LastStableOffset { get; init; }

    public long LogStartOffset { get; init; }

    public RecordSet Records { get; init; }

    internal static FetchResponsePartition Read(ref ProtocolReader reader, short version) => new()
    {
        PartitionIndex = reader.ReadInt32(),
        ErrorCode = (ErrorCode)reader.ReadInt16(),
        HighWatermark = reader.ReadInt64(),
        LastStableOffset = reader.ReadInt64(),
        LogStartOffset = reader.ReadInt64(),
        Records = new RecordSet(reader.ReadBytes()),
    };

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt32(PartitionIndex);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt64(HighWatermark);
        writer.WriteInt64(LastStableOffset);
        writer.WriteInt64(LogStartOffset);
        writer.WriteRecords(Records);
    }
}
