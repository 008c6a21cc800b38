using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// Log compaction (cleanup.policy=compact): keep the last record of each key, drop tombstones once their delete
/// horizon passed. See <see cref="SegmentCleaner"/> for the algorithm and <see cref="SwapLocked"/> for the crash-safe
/// replacement of segments.
/// </summary>
public sealed partial class PartitionLog
{
    private readonly Lock _cleanLock = new();
    private long _cleanerCheckpoint;

    /// <summary>The cleaner checkpoint: offsets below it were compacted by an earlier pass (Kafka's
    /// cleaner-offset-checkpoint entry). The next pass maps keys from here.</summary>
    public long CleanerCheckpoint => Volatile.Read(ref _cleanerCheckpoint);

    /// <summary>Compacts the inactive segments that end at or below <paramref name="upperBoundOffset"/> (give the high
    /// watermark: a follower may still truncate above it). Builds the key -> last offset map over the dirty section
    /// (from <see cref="CleanerCheckpoint"/>), rewrites every cleanable segment from the first, and swaps the cleaned
    /// segments in; readers of the old ones keep reading them until the file delete delay passes. Runs on the
    /// caller's thread without blocking appends; one pass at a time per log. Works whatever the cleanup policy (the
    /// <see cref="LogCleaner"/> calls it only for compacted logs).</summary>
    public CompactionResult Compact(long upperBoundOffset, CleanerConfig? cleaner = null)
    {
        cleaner = (cleaner ?? CleanerConfig.Default).Validate();
        lock (_cleanLock)
        {
            var plan = PlanCompaction(upperBoundOffset, forCleaning: true);
            try
            {
                return CompactPlanned(plan, cleaner);
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                throw StorageErrors.Wrap(e, $"compacting {TopicPartition}");
            }
            catch (ObjectDisposedException)
            {
                // A segment was deleted (delay passed) or the log closed under the pass: nothing was swapped in.
                return new CompactionResult { FirstDirtyOffset = plan.FirstDirtyOffset, CleanedUpToOffset = plan.FirstDirtyOffset, Aborted = true, SegmentsBefore = plan.Segments.Count, SegmentsAfter = SegmentCount };
            }
        }
    }

    /// <summary>The dirty ratio of the range <see cref="Compact"/> would clean under <paramref name="upperBoundOffset"/>.</summary>
    public double DirtyRatio(long upperBoundOffset) => PlanCompaction(upperBoundOffset, forCleaning: false).DirtyRatio;

    /// <summary>What a pass below <paramref name="upperBoundOffset"/> would clean. Only a plan <paramref name="forCleaning"/>
    /// carries every producer's last offset (the pass keeps the batch each one's state needs), taken under the same lock
    /// as the segment list; the cleaner's choice of the dirtiest log, on every tick for every compacted log, needs
    /// only the sizes, and built that map for nothing before.</summary>
    internal CompactionPlan PlanCompaction(long upperBoundOffset, bool forCleaning)
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            var segments = _segments;
            var config = _config;
            var end = Math.Min(upperBoundOffset, segments.Active.BaseOffset);
            var lagLimitMs = NowMs() - config.MinCompactionLagMs;
            // Without every producer's last offset the cleaner could drop the batch a rebuild of its state needs: while
            // a truncation's rebuild keeps failing, nothing is cleaned.
            var producers = ProducersOrNullLocked();
            var count = 0;
            while (producers is not null
                   && count < segments.Count - 1
                   && segments[count + 1].BaseOffset <= end
                   && segments[count].Size > 0
                   && (config.MinCompactionLagMs == 0 || segments[count].LargestTimestampMs <= lagLimitMs))
            {
                count++;
            }

            var cleanableEnd = segments[count].BaseOffset;
            var firstDirty = Math.Clamp(_cleanerCheckpoint, _logStartOffset, Math.Max(_logStartOffset, cleanableEnd));
            long clean = 0, dirty = 0;
            for (var i = 0; i < count; i++)
            {
                if (segments[i + 1].BaseOffset <= firstDirty)
                {
                    clean += segments[i].Size;
                }
                else
                {
                    dirty += segments[i].Size;
                }
            }

            var producerLastOffsets = forCleaning && producers is not null ? producers.LastOffsets() : System.Collections.Frozen.FrozenDictionary<long, long>.Empty;
            return new CompactionPlan(segments, count, firstDirty, cleanableEnd, _truncations, clean, dirty, producerLastOffsets);
        }
    }

    private CompactionResult CompactPlanned(CompactionPlan plan, CleanerConfig cleaner)
    {
        var stats = new CompactionStats();
        var result = new CompactionResult { FirstDirtyOffset = plan.FirstDirtyOffset, CleanedUpToOffset = plan.FirstDirtyOffset, SegmentsBefore = plan.Segments.Count };
        if (plan.CleanableCount == 0)
        {
            return result with { SegmentsAfter = plan.Segments.Count };
        }

        var map = new OffsetMap(cleaner.OffsetMapBytesMax);
        using var filter = new BatchFilter();
        var mapEnd = SegmentCleaner.BuildOffsetMap(plan, map, filter, cleaner.DirtyBytesPerPassMax, stats);
        var count = mapEnd >= plan.CleanableEndOffset ? plan.CleanableCount : plan.Segments.FloorIndex(mapEnd - 1) + 1;
        var config = Config;
        var aborted = false;
        foreach (var group in SegmentCleaner.Group(plan, count, config))
        {
            var cleaned = SegmentCleaner.CleanGroup(Directory, group, plan, map, filter, NowMs(), config, stats);
            if (cleaned is not null && !TrySwap(group, cleaned, plan.Truncations))
            {
                aborted = true;
                break;
            }
        }

        lock (_writeLock)
        {
            aborted |= _truncations != plan.Truncations;
            if (!aborted && mapEnd > _cleanerCheckpoint)
            {
                Volatile.Write(ref _cleanerCheckpoint, mapEnd);
            }
        }

        return result with
        {
            CleanedUpToOffset = aborted ? plan.FirstDirtyOffset : Math.Max(mapEnd, plan.FirstDirtyOffset),
            Partial = mapEnd < plan.CleanableEndOffset,
            Aborted = aborted,
            SegmentsAfter = SegmentCount,
            BytesRead = stats.BytesRead,
            BytesWritten = stats.BytesWritten,
            RecordsKept = stats.RecordsKept,
            RecordsRemoved = stats.RecordsRemoved,
            TombstonesRemoved = stats.TombstonesRemoved,
            KeysMapped = map.Count,
        };
    }

    /// <summary>Replaces <paramref name="group"/> with <paramref name="cleaned"/> unless the log changed under the
    /// pass (a truncation, a close, or retention removing one of them); false (and the cleaned files deleted) then.</summary>
    private bool TrySwap(LogSegment[] group, LogSegment cleaned, int truncations)
    {
        lock (_writeLock)
        {
            var segments = _segments;
            var first = segments.FloorIndex(group[0].BaseOffset);
            var intact = !_closed && _truncations == truncations && first >= 0 && first + group.Length < segments.Count;
            for (var i = 0; intact && i < group.Length; i++)
            {
                intact = ReferenceEquals(segments[first + i], group[i]);
            }

            if (!intact)
            {
                SegmentCleaner.Discard(cleaned);
                return false;
            }

            SwapLocked(segments, first, group, cleaned);
            return true;
        }
    }

    /// <summary>
    /// Kafka's replaceSegments, each step durable before the next so a crash anywhere recovers to the old or the new
    /// segments, never a mix (see <see cref="LogLoader"/>):
    /// <list type="number">
    /// <item>the cleaned files (already fsynced) are renamed .cleaned -> .swap and the directory fsynced: from here
    /// recovery finishes the swap, deleting every segment whose base offset the .swap file's offsets cover;</item>
    /// <item>the replaced segments are renamed to .deleted (readers keep their handles) and the directory fsynced,
    /// so no later step can leave an old segment beside the new one;</item>
    /// <item>the .swap files take their final names, the directory is fsynced, and the new list is published.</item>
    /// </list>
    /// An I/O failure before step 1 completes leaves the old segments; after it, the new list is published anyway
    /// (the cleaned segment is complete and open) and the next open finishes the renames.
    /// </summary>
    private void SwapLocked(LogSegments segments, int first, LogSegment[] group, LogSegment cleaned)
    {
        cleaned.Config = _config;
        try
        {
            cleaned.RenameFiles(LogFileNames.SwapSuffix);
            DurableFiles.SyncDirectory(Directory);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e) || e is BrokerException)
        {
            SegmentCleaner.Discard(cleaned);
            throw;
        }

        var replaced = new LogSegment[segments.Count - group.Length + 1];
        segments.AsSpan()[..first].CopyTo(replaced);
        replaced[first] = cleaned;
        segments.AsSpan()[(first + group.Length)..].CopyTo(replaced.AsSpan(first + 1));
        try
        {
            var nowMs = NowMs();
            foreach (var segment in group)
            {
                ScheduleDeletionLocked(segment, nowMs);
            }

            DurableFiles.SyncDirectory(Directory);
            cleaned.RenameFiles(string.Empty);
            DurableFiles.SyncDirectory(Directory);
        }
        finally
        {
            Volatile.Write(ref _segments, new LogSegments(replaced));
        }
    }

    /// <summary>A truncation to <paramref name="offset"/> makes what is appended there dirty again.</summary>
    private void LowerCleanerCheckpointLocked(long offset)
    {
        if (_cleanerCheckpoint > offset)
        {
            Volatile.Write(ref _cleanerCheckpoint, offset);
        }
    }
}
