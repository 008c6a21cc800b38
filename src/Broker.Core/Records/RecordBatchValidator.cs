using Broker.Core.Compression;
using Broker.Core.Errors;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Core.Records;

/// <summary>
/// Checks a batch without decoding its records: length, magic, CRC-32C, codec and that the record count and
/// offset delta are possible. This is the broker's whole per-batch check on append and in recovery, so its cost
/// is one CRC pass (a hardware instruction over 8-byte words) plus a few header reads.
/// </summary>
public static class RecordBatchValidator
{
    /// <summary>
    /// Validates the batch at the start of <paramref name="bytes"/>. <paramref name="bytes"/> may extend past the
    /// batch (a log or a request holds several); only <c>header.TotalBytes</c> are examined.
    /// </summary>
    /// <param name="fromProducer">True on the produce path: a producer's batch has at least one record and
    /// consecutive offset deltas (lastOffsetDelta = recordCount - 1). Compaction later leaves gaps, so batches
    /// read back from a log are checked with false.</param>
    public static RecordBatchError Validate(
        ReadOnlySpan<byte> bytes, int batchBytesMax, bool fromProducer, out RecordBatchHeader header)
    {
        header = default;
        if (bytes.Length < HeaderBytes)
        {
            return RecordBatchError.Truncated;
        }

        header = RecordBatchHeader.Read(bytes);
        if (header.BatchLength < BatchLengthMin || header.BatchLength > batchBytesMax - LogOverheadBytes)
        {
            return RecordBatchError.InvalidLength;
        }

        if (bytes.Length < header.TotalBytes)
        {
            return RecordBatchError.Truncated;
        }

        if (header.Magic != CurrentMagic)
        {
            return RecordBatchError.UnsupportedMagic;
        }

        var covered = bytes[AttributesOffset..header.TotalBytes];
        if (Crc32C.Compute(covered) != header.Crc)
        {
            return RecordBatchError.CrcMismatch;
        }

        if ((byte)header.Compression > (byte)CompressionType.Zstd)
        {
            return RecordBatchError.InvalidCompression;
        }

        return CheckCounts(header, fromProducer) ? RecordBatchError.None : RecordBatchError.InvalidRecordCount;
    }

    /// <summary>Like <see cref="Validate"/>, throwing the matching <see cref="BrokerException"/> on failure.</summary>
    public static RecordBatchHeader ValidateOrThrow(ReadOnlySpan<byte> bytes, int batchBytesMax, bool fromProducer)
    {
        var error = Validate(bytes, batchBytesMax, fromProducer, out var header);
        if (error == RecordBatchError.None)
        {
            return header;
        }

        var code = error switch
        {
            RecordBatchError.InvalidLength when header.BatchLength > batchBytesMax - LogOverheadBytes => ErrorCode.MessageTooLarge,
            RecordBatchError.InvalidCompression => ErrorCode.UnsupportedCompressionType,
            RecordBatchError.CrcMismatch => ErrorCode.CorruptMessage,
            _ => ErrorCode.InvalidRecord,
        };
        throw new BrokerException(code, Describe(error, header, bytes.Length, batchBytesMax));
    }

    /// <summary>The reason a producer reads in its error: what is wrong with the batch, in the batch's own numbers.</summary>
    internal static string Describe(RecordBatchError error, in RecordBatchHeader header, int bytesAvailable, int batchBytesMax) => error switch
    {
        RecordBatchError.InvalidLength when header.BatchLength > batchBytesMax - LogOverheadBytes =>
            $"The record batch is {(long)header.BatchLength + LogOverheadBytes} bytes, more than the topic's max.message.bytes ({batchBytesMax}).",
        RecordBatchError.InvalidLength =>
            $"The record batch's length field says {header.BatchLength} bytes, less than the smallest possible batch ({BatchLengthMin}).",
        RecordBatchError.Truncated when bytesAvailable < HeaderBytes =>
            $"The record batch is cut short: {bytesAvailable} bytes, less than a batch header ({HeaderBytes}).",
        RecordBatchError.Truncated =>
            $"The record batch is cut short: its length field says {(long)header.BatchLength + LogOverheadBytes} bytes, {bytesAvailable} were sent.",
        RecordBatchError.UnsupportedMagic =>
            $"Record batch format (magic) {header.Magic} is not supported; only magic {CurrentMagic} (Kafka 0.11 and later) is.",
        RecordBatchError.CrcMismatch => "The record batch's CRC-32C does not match its contents: it was corrupted on the way.",
        RecordBatchError.InvalidCompression => $"The record batch names compression codec {(int)header.Compression}, which does not exist.",
        RecordBatchError.InvalidRecordCount =>
            $"The record batch's record count ({header.RecordCount}) does not fit its last offset delta ({header.LastOffsetDelta}) or its size.",
        _ => $"Invalid record batch: {error}.",
    };

    private static bool CheckCounts(in RecordBatchHeader header, bool fromProducer)
    {
        if (header.RecordCount < 0 || header.LastOffsetDelta < 0)
        {
            return false;
        }

        if (fromProducer && (header.RecordCount == 0 || header.LastOffsetDelta != header.RecordCount - 1))
        {
            return false;
        }

        // After compaction a batch keeps its offset range but fewer records; it never gains records.
        if ((long)header.LastOffsetDelta < (long)header.RecordCount - 1)
        {
            return false;
        }

        // Uncompressed records take at least RecordBytesMin each; a count beyond that is a lie.
        var recordBytes = (long)header.TotalBytes - HeaderBytes;
        return header.Compression != CompressionType.None || (long)header.RecordCount * RecordBytesMin <= recordBytes;
    }
}
