using Broker.Core.Buffers;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// The two heavy steps of a compaction pass, run without the log's writer lock (appends go on; only the active
/// segment takes them, and it is never cleaned):
/// <list type="number">
/// <item><see cref="BuildOffsetMap"/>: key -> last offset over the dirty section, stopping at a batch boundary when
/// the map could not surely hold the next batch or the pass's byte budget is used.</item>
/// <item><see cref="CleanGroup"/>: rewrite a group of consecutive segments (from the log's first segment, so that
/// records superseded by newly dirty keys go too) into one <c>.cleaned</c> segment named after the group's first,
/// keeping each record that is the latest of its key. Groups are formed by <see cref="Group"/> so a cleaned segment
/// stays within segment.bytes, its index within segment.index.bytes, and its offsets within int32 of its base.</item>
/// </list>
/// The cleaned segment always keeps the group's last batch (empty if need be), so its offset range, read back from
/// its last batch, tells recovery exactly which segments a <c>.swap</c> file replaces; and each idempotent producer's
/// last batch the same way, so its sequence survives in the log (<see cref="CompactionPlan.ProducerLastOffsets"/>).
/// </summary>
internal static class SegmentCleaner
{
    /// <summary>Cleaned batches are collected and written 1 MiB at a time.</summary>
    private const int WriteChunkBytes = 1 << 20;

    /// <summary>Maps the dirty section; returns the offset up to which it was mapped (the new cleaner checkpoint).</summary>
    public static long BuildOffsetMap(CompactionPlan plan, OffsetMap map, BatchFilter filter, long bytesBudget, CompactionStats stats)
    {
        var mapped = 0L;
        for (var i = 0; i < plan.CleanableCount; i++)
        {
            if (plan.EndOf(i) <= plan.FirstDirtyOffset)
            {
                continue;
            }

            using var scanner = new SegmentBatchScanner(plan.Segments[i]);
            while (scanner.TryNext(out var batch, out var header))
            {
                stats.BytesRead += header.TotalBytes;
                if (header.NextOffset <= plan.FirstDirtyOffset || header.IsControl)
                {
                    continue;
                }

                var records = filter.RecordsOf(batch, header);
                if (mapped >= bytesBudget || !map.HasRoomFor(header.RecordCount, records.Length))
                {
                    return map.Count > 0 || mapped > 0 ? header.BaseOffset : throw MapTooSmall(plan, header.BaseOffset);
                }

                foreach (var record in new RawRecordEnumerator(records, header.RecordCount))
                {
                    var offset = header.BaseOffset + record.OffsetDelta;
                    if (!record.KeyIsNull && offset >= plan.FirstDirtyOffset)
                    {
                        map.Put(record.Key, offset);
                    }
                }

                mapped += header.TotalBytes;
            }
        }

        return plan.CleanableEndOffset;
    }

    /// <summary>Splits segments [0, <paramref name="count"/>) into runs that each fit one segment (Kafka's
    /// groupSegmentsBySize): sizes summing to at most segment.bytes, index entries the index can hold, offsets
    /// within int32 of the run's base.</summary>
    public static List<LogSegment[]> Group(CompactionPlan plan, int count, LogConfig config)
    {
        var groups = new List<LogSegment[]>();
        var entriesMax = config.IndexBytesMax / TimeIndex.EntryBytes - 1;
        for (var first = 0; first < count;)
        {
            var end = first + 1;
            var bytes = (long)plan.Segments[first].Size;
            while (end < count
                   && bytes + plan.Segments[end].Size <= config.SegmentBytes
                   && (bytes + plan.Segments[end].Size) / config.IndexIntervalBytes + 1 <= entriesMax
                   && plan.EndOf(end) - 1 - plan.Segments[first].BaseOffset <= int.MaxValue)
            {
                bytes += plan.Segments[end].Size;
                end++;
            }

            groups.Add([.. plan.Segments.AsSpan()[first..end]]);
            first = end;
        }

        return groups;
    }

    /// <summary>Writes the cleaned form of <paramref name="group"/> to <c>.cleaned</c> files, made durable; null when
    /// the group is one segment that would not change (nothing to swap).</summary>
    public static LogSegment? CleanGroup(string directory, LogSegment[] group, CompactionPlan plan, OffsetMap map, BatchFilter filter, long nowMs, LogConfig config, CompactionStats stats)
    {
        var cleaned = LogSegment.Create(directory, group[0].BaseOffset, config, nowMs, LogFileNames.CleanedSuffix);
        try
        {
            var changed = group.Length > 1;
            using var output = new PooledBufferWriter(WriteChunkBytes + (64 * 1024));
            for (var i = 0; i < group.Length; i++)
            {
                var lastPosition = i == group.Length - 1 ? group[i].LastBatchPosition() : -1;
                using var scanner = new SegmentBatchScanner(group[i]);
                while (scanner.TryNext(out var batch, out var header))
                {
                    stats.BytesRead += header.TotalBytes;
                    var keepEmpty = scanner.Position == lastPosition || plan.IsProducersLastBatch(header);
                    var result = filter.Filter(batch, header, map, nowMs, config.DeleteRetentionMs, keepEmpty, output);
                    stats.Add(result);
                    changed |= result.Rewritten;
                    if (output.WrittenCount >= WriteChunkBytes)
                    {
                        AppendTo(cleaned, output);
                    }
                }
            }

            AppendTo(cleaned, output);
            if (!changed)
            {
                Discard(cleaned);
                return null;
            }

            cleaned.NextOffset = group[^1].NextOffset;
            cleaned.OnBecomeInactive();
            cleaned.Flush();
            return cleaned;
        }
        catch
        {
            Discard(cleaned);
            throw;
        }
    }

    /// <summary>Closes a cleaned segment that will not be swapped in and deletes its files.</summary>
    public static void Discard(LogSegment cleaned) => cleaned.DeleteFiles();

    private static void AppendTo(LogSegment cleaned, PooledBufferWriter output)
    {
        if (output.WrittenCount == 0)
        {
            return;
        }

        if ((long)cleaned.Size + output.WrittenCount > int.MaxValue)
        {
            throw new BrokerException(ErrorCode.StorageError, $"Cleaned segment {cleaned.LogPath} would pass 2 GiB; lower segment.bytes.");
        }

        cleaned.Append(output.WrittenSpan);
        output.Clear();
    }

    private static BrokerException MapTooSmall(CompactionPlan plan, long offset) =>
        new(ErrorCode.InvalidConfig, $"The cleaner's offset map cannot hold the keys of the batch at offset {offset} of {plan.Segments[0].LogPath}'s log; raise OffsetMapBytesMax.");
}
