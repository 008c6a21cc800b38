using System.Buffers.Binary;
using Broker.Core.Compression;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Core.Records;

/// <summary>The decoded fixed header of one RecordBatch v2. A value: copying it costs 64 bytes, no allocation.</summary>
public readonly record struct RecordBatchHeader(
    long BaseOffset,
    int BatchLength,
    int PartitionLeaderEpoch,
    byte Magic,
    uint Crc,
    short Attributes,
    int LastOffsetDelta,
    long BaseTimestamp,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    int RecordCount)
{
    /// <summary>Bytes of the whole batch on disk and on the wire.</summary>
    public int TotalBytes => BatchLength + LogOverheadBytes;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The offset after this batch: where the next batch starts.</summary>
    public long NextOffset => LastOffset + 1;

    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);

    public TimestampType TimestampType => (Attributes & TimestampTypeFlag) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Attributes & TransactionalFlag) != 0;

    public bool IsControl => (Attributes & ControlFlag) != 0;

    /// <summary>Reads the header at the start of <paramref name="batch"/>, which must hold at least
    /// <see cref="RecordBatchLayout.HeaderBytes"/> bytes. Checks nothing: see <see cref="RecordBatchValidator"/>.</summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < HeaderBytes)
        {
            throw new ArgumentException($"A batch header needs {HeaderBytes} bytes, got {batch.Length}.", nameof(batch));
        }

        return new RecordBatchHeader(
            BinaryPrimitives.ReadInt64BigEndian(batch[BaseOffsetOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[PartitionLeaderEpochOffset..]),
            batch[MagicOffset],
            BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]),
            BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]),
            BinaryPrimitives.ReadInt64BigEndian(batch[BaseTimestampOffset..]),
            BinaryPrimitives.ReadInt64BigEndian(batch[MaxTimestampOffset..]),
            BinaryPrimitives.ReadInt64BigEndian(batch[ProducerIdOffset..]),
            BinaryPrimitives.ReadInt16BigEndian(batch[ProducerEpochOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[BaseSequenceOffset..]),
            BinaryPrimitives.ReadInt32BigEndian(batch[RecordCountOffset..]));
    }

    /// <summary>Reads only baseOffset and batchLength: what a scan of a log needs to step from batch to batch.</summary>
    public static (long BaseOffset, int BatchLength) ReadOverhead(ReadOnlySpan<byte> batch) =>
        (BinaryPrimitives.ReadInt64BigEndian(batch), BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]));
}
