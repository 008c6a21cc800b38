using System.Buffers;
using System.Buffers.Binary;
using Broker.Core.Records;
using static Broker.Core.Records.RecordBatchLayout;

namespace Broker.Storage;

/// <summary>
/// Rebuilds a segment's state from its log file. <see cref="Recover"/> is the crash path: it reads the file in
/// 1 MiB chunks, validates every batch (length, magic, CRC-32C, counts: <see cref="RecordBatchValidator"/> with
/// fromProducer false), that base offsets increase from the segment's base offset (gaps are allowed: compaction drops
/// whole batches) and that no batch reaches the next segment's base offset; it re-adds each good batch to fresh
/// indices, and cuts the file at the first bad batch. <see cref="RebuildIndexes"/> is the
/// damaged-index path for data that is known flushed: it walks headers only. Both run on the writer's thread
/// (or before the log is published), never concurrently with appends.
/// </summary>
internal static class SegmentRecovery
{
    /// <summary>Reading 1 MiB per system call keeps recovery disk-bound; a larger batch gets a larger buffer.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <param name="offsetLimit">The next segment's base offset: no batch may reach it (long.MaxValue for the last).</param>
    public static SegmentRecoveryResult Recover(LogSegment segment, long offsetLimit = long.MaxValue)
    {
        segment.ResetForRecovery();
        var fileBytes = Math.Min(RandomAccess.GetLength(segment.Handle), int.MaxValue);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var bufferStart = 0L;
        var bufferLength = 0;
        var position = 0L;
        var next = segment.BaseOffset;
        string? reason = null;
        try
        {
            while (position < fileBytes)
            {
                if (position + HeaderBytes > bufferStart + bufferLength)
                {
                    bufferLength = Fill(segment, buffer, bufferStart = position);
                }

                var available = (int)(bufferStart + bufferLength - position);
                if (available < LogOverheadBytes)
                {
                    reason = $"{fileBytes - position} trailing bytes are too few for a batch";
                    break;
                }

                var total = (long)BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan((int)(position - bufferStart) + BatchLengthOffset)) + LogOverheadBytes;
                if (total < HeaderBytes || total > fileBytes - position)
                {
                    reason = $"batch length {total} at position {position} does not fit the {fileBytes}-byte file";
                    break;
                }

                if (total > available)
                {
                    if (total > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent((int)total);
                    }

                    bufferLength = Fill(segment, buffer, bufferStart = position);
                }

                var bytes = buffer.AsSpan((int)(position - bufferStart), (int)total);
                var error = RecordBatchValidator.Validate(bytes, int.MaxValue, fromProducer: false, out var header);
                if (error != RecordBatchError.None || header.BaseOffset < next || header.NextOffset > offsetLimit)
                {
                    reason = error != RecordBatchError.None
                        ? $"{error} at position {position}"
                        : $"offsets {header.BaseOffset}-{header.LastOffset} at position {position} outside [{next}, {offsetLimit})";
                    break;
                }

                segment.IndexBatch(header, (int)position);
                position += total;
                next = header.NextOffset;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        segment.SetRecoveredEnd((int)position);
        segment.NextOffset = next;
        return new SegmentRecoveryResult((int)position, next, fileBytes - position, reason);
    }

    /// <summary>Re-adds every batch of the published size to empty indices, reading headers only.</summary>
    public static void RebuildIndexes(LogSegment segment)
    {
        var size = segment.Size;
        var position = 0;
        while (segment.TryReadHeader(position, size, out var header))
        {
            segment.IndexBatch(header, position);
            position += header.TotalBytes;
        }
    }

    private static int Fill(LogSegment segment, byte[] buffer, long position)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = RandomAccess.Read(segment.Handle, buffer.AsSpan(filled), position + filled);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
