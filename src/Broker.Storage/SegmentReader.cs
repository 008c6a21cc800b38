namespace Broker.Storage;

/// <summary>
/// The lock-free read side of a <see cref="LogSegment"/>: positions through the sparse indices, then walks batch
/// headers. Every walk is bounded by the segment's published size and by an offset limit (the LEO or the high
/// watermark), and is retried if a truncation changed the segment's generation meanwhile (a seqlock), so what it
/// returns was in the log at one instant.
/// </summary>
internal static class SegmentReader
{
    /// <summary>Whole batches from the one holding <paramref name="startOffset"/>, up to <paramref name="maxBytes"/>
    /// (at least one batch), all ending at or below <paramref name="limit"/>. Empty when none qualifies.</summary>
    public static LogReadResult Read(LogSegment segment, long startOffset, int maxBytes, long limit)
    {
        while (true)
        {
            var generation = segment.Generation;
            var result = ReadOnce(segment, generation, startOffset, maxBytes, limit);
            if (segment.Generation == generation)
            {
                return result;
            }
        }
    }

    /// <summary>The first batch ending at or below <paramref name="limit"/> and not wholly below
    /// <paramref name="minOffset"/> (the log start) whose max timestamp is at least <paramref name="timestampMs"/>,
    /// as (timestamp, max(base offset, minOffset)); null when this segment has none.</summary>
    public static TimestampOffset? FindByTimestamp(LogSegment segment, long timestampMs, long minOffset, long limit)
    {
        while (true)
        {
            var generation = segment.Generation;
            var size = segment.Size;
            var before = segment.TimeIndex.Entries > 0 ? segment.TimeIndex.LookupBefore(timestampMs) : new TimestampOffset(TimeIndex.NoTimestamp, segment.BaseOffset);
            var (position, _) = segment.FindBatch(before.Offset, size);
            TimestampOffset? found = null;
            while (position >= 0 && segment.TryReadHeader(position, size, out var header) && header.NextOffset <= limit)
            {
                if (header.MaxTimestamp >= timestampMs && header.LastOffset >= minOffset)
                {
                    found = new TimestampOffset(header.MaxTimestamp, Math.Max(header.BaseOffset, minOffset));
                    break;
                }

                position += header.TotalBytes;
            }

            if (segment.Generation == generation)
            {
                return found;
            }
        }
    }

    private static LogReadResult ReadOnce(LogSegment segment, int generation, long startOffset, int maxBytes, long limit)
    {
        var size = segment.Size;
        var (position, first) = segment.FindBatch(startOffset, size);
        if (position < 0 || first.NextOffset > limit)
        {
            return LogReadResult.Empty(startOffset);
        }

        var length = first.TotalBytes;
        var next = first.NextOffset;
        while (length < maxBytes
               && segment.TryReadHeader(position + length, size, out var header)
               && header.NextOffset <= limit
               && (long)length + header.TotalBytes <= maxBytes)
        {
            length += header.TotalBytes;
            next = header.NextOffset;
        }

        return new LogReadResult(segment, generation, position, length, first.BaseOffset, next);
    }
}
