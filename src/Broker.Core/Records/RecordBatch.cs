using System.Buffers.Binary;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Core.Records;

/// <summary>
/// The few in-place edits the broker makes to a batch it accepts. baseOffset and partitionLeaderEpoch lie outside
/// the CRC, so assigning them costs two stores; only a log-append-time topic rewrites covered bytes and the CRC.
/// </summary>
public static class RecordBatch
{
    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], baseOffset);

    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], epoch);

    /// <summary>
    /// Marks the batch as LogAppendTime with <paramref name="timestampMs"/> as its max timestamp (what readers report
    /// for every record of such a batch) and recomputes the CRC, as Kafka's broker does for
    /// <c>message.timestamp.type=LogAppendTime</c>.
    /// </summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestampMs)
    {
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], (short)(attributes | TimestampTypeFlag));
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], timestampMs);
        UpdateCrc(batch);
    }

    /// <summary>
    /// Stamps an idempotent producer's identity on a sealed batch (producer id, epoch, base sequence) and recomputes the
    /// CRC, which covers them. The producer does this when it sends a batch for the first time, and again only if the
    /// broker made it renumber its unacknowledged batches: assigning sequences at send time, not at seal time, keeps a
    /// batch that expires unsent from leaving a gap.
    /// </summary>
    public static void SetProducer(Span<byte> batch, long producerId, short producerEpoch, int baseSequence)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch[ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[ProducerEpochOffset..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[BaseSequenceOffset..], baseSequence);
        UpdateCrc(batch);
    }

    /// <summary>Recomputes the CRC-32C over attributes..end of the batch that starts <paramref name="batch"/>.</summary>
    public static void UpdateCrc(Span<byte> batch)
    {
        var total = BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]) + LogOverheadBytes;
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], Crc32C.Compute(batch[AttributesOffset..total]));
    }
}
