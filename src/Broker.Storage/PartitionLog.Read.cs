using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>The lock-free read side: reads by offset and lookups by timestamp.</summary>
public sealed partial class PartitionLog
{
    /// <summary>Up to <paramref name="maxBytes"/> of whole batches from one segment, starting with the batch that holds
    /// <paramref name="startOffset"/>, and only batches that end at or below <paramref name="maxOffsetExclusive"/>
    /// (the high watermark for consumers). The first batch is returned whole even when larger than maxBytes, so a
    /// consumer never stalls. Empty at the end; OffsetOutOfRange below the log start or beyond the LEO.</summary>
    public LogReadResult Read(long startOffset, int maxBytes, long maxOffsetExclusive = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ThrowIfClosed(); // closed (deleted): its files are, too
        var logEnd = LogEndOffset;
        var segments = Volatile.Read(ref _segments);
        var logStart = LogStartOffset;
        if (startOffset < logStart || startOffset > logEnd)
        {
            throw new BrokerException(ErrorCode.OffsetOutOfRange, $"{TopicPartition}: offset {startOffset} is outside [{logStart}, {logEnd}].");
        }

        var limit = Math.Min(logEnd, maxOffsetExclusive);
        if (startOffset >= limit)
        {
            return LogReadResult.Empty(startOffset);
        }

        try
        {
            for (var i = Math.Max(0, segments.FloorIndex(startOffset)); i < segments.Count; i++)
            {
                var result = SegmentReader.Read(segments[i], startOffset, maxBytes, limit);
                if (!result.IsEmpty)
                {
                    return result;
                }
            }
        }
        catch (IOException e)
        {
            throw StorageErrors.Wrap(e, $"reading {TopicPartition}");
        }

        return LogReadResult.Empty(startOffset);
    }

    /// <summary>Kafka's ListOffsets by time: the first batch below <paramref name="maxOffsetExclusive"/> whose max
    /// timestamp is at least <paramref name="timestampMs"/>, as (that timestamp, its base offset or the log start
    /// offset if later); null if none.
    /// Found through each segment's largest timestamp, then its time index, then a scan of headers.</summary>
    public TimestampOffset? FindOffsetByTimestamp(long timestampMs, long maxOffsetExclusive = long.MaxValue)
    {
        ThrowIfClosed();
        var limit = Math.Min(LogEndOffset, maxOffsetExclusive);
        var segments = Volatile.Read(ref _segments);
        var logStart = LogStartOffset;
        foreach (var segment in segments.AsSpan())
        {
            if (segment.LargestTimestampMs < timestampMs && segment != segments.Active)
            {
                continue;
            }

            var found = SegmentReader.FindByTimestamp(segment, timestampMs, logStart, limit);
            if (found is not null || segment.BaseOffset >= limit)
            {
                return found;
            }
        }

        return null;
    }
}
