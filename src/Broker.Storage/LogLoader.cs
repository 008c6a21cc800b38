using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// Opens a partition directory. Leftovers first: *.deleted, *.tmp and *.cleaned files are removed (a *.cleaned
/// segment is an unfinished compaction whose old segments are intact), an interrupted swap is finished (a *.log.swap
/// file is a complete cleaned segment: every segment whose base offset its offsets cover is deleted, it takes its
/// final name, and it is revalidated with fresh indices), and index files without a log are removed. Then:
/// <list type="bullet">
/// <item>After a clean shutdown nothing is read except the tail of the active segment, from its last offset index
/// entry, to find the log end offset; other segments open their indices on first use. This is what keeps reopening
/// 1,000 segments well under a second.</item>
/// <item>Otherwise every segment from the one holding the recovery point onwards is revalidated batch by batch
/// (<see cref="SegmentRecovery.Recover"/>); at the first bad batch the segment is cut and every later segment is
/// deleted. A gap between a segment's last batch and the next segment's base offset is accepted: compaction leaves
/// them. Work is proportional to the data written after the last flush (plus at most one segment).</item>
/// </list>
/// Runs before the log is published, on the opening thread.
/// </summary>
internal static class LogLoader
{
    public static LoadedLog Load(string directory, LogConfig config, bool hadCleanShutdown, long recoveryPoint, long logStartOffset, long nowMs)
    {
        Directory.CreateDirectory(directory);
        var swapped = new HashSet<long>();
        var baseOffsets = CleanDirectory(directory, swapped);
        if (baseOffsets.Count == 0)
        {
            var fresh = LogSegment.Create(directory, Math.Max(0, logStartOffset), config, nowMs);
            var start = fresh.BaseOffset;
            return new LoadedLog(new LogSegments([fresh]), start, start, start, 0, 0);
        }

        var segments = new List<LogSegment>(baseOffsets.Count);
        try
        {
            foreach (var baseOffset in baseOffsets)
            {
                segments.Add(LogSegment.Open(directory, baseOffset, config, nowMs));
            }

            for (var i = 0; i + 1 < segments.Count; i++)
            {
                segments[i].NextOffset = segments[i + 1].BaseOffset;
            }

            var (truncated, recovered) = RecoverSwapped(segments, swapped);
            var (cut, revalidated) = hadCleanShutdown ? (0L, 0) : Recover(segments, recoveryPoint);
            truncated += cut;
            recovered += revalidated;
            if (hadCleanShutdown && !FindActiveEnd(segments[^1]))
            {
                truncated += SegmentRecovery.Recover(segments[^1]).TruncatedBytes;
                recovered++;
            }

            var active = segments[^1];
            active.MakeActive(nowMs);
            var logEnd = active.NextOffset;
            var logStart = Math.Clamp(logStartOffset, segments[0].BaseOffset, logEnd);
            var flushed = hadCleanShutdown ? logEnd : Math.Clamp(recoveryPoint, logStart, logEnd);
            return new LoadedLog(new LogSegments([.. segments]), logEnd, logStart, flushed, truncated, recovered);
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Dispose();
            }

            throw;
        }
    }

    /// <summary>Revalidates the segments after the recovery point; deletes those after the first damage.</summary>
    private static (long TruncatedBytes, int Recovered) Recover(List<LogSegment> segments, long recoveryPoint)
    {
        var first = 0;
        while (first + 1 < segments.Count && segments[first + 1].BaseOffset <= recoveryPoint)
        {
            first++;
        }

        var truncated = 0L;
        var recovered = 0;
        for (var i = first; i < segments.Count; i++)
        {
            var isLast = i == segments.Count - 1;
            var result = SegmentRecovery.Recover(segments[i], isLast ? long.MaxValue : segments[i + 1].BaseOffset);
            truncated += result.TruncatedBytes;
            recovered++;
            if (!isLast && result.TruncatedBytes > 0)
            {
                // What follows damage is not trusted: it was written after the damaged bytes, and above the recovery point.
                for (var j = segments.Count - 1; j > i; j--)
                {
                    truncated += segments[j].Size;
                    segments[j].RenameForDeletion();
                    segments[j].DeleteFiles();
                    segments.RemoveAt(j);
                }

                isLast = true;
            }

            if (!isLast)
            {
                segments[i].OnBecomeInactive();
            }
        }

        return (truncated, recovered);
    }

    /// <summary>Finds the active segment's end from its last index entry. False when the tail does not parse up to
    /// the file's end, which a clean shutdown rules out, so the caller recovers the segment instead.</summary>
    private static bool FindActiveEnd(LogSegment active)
    {
        var size = active.Size;
        var last = LastIndexedPosition(active);
        var position = last.Position;
        var next = last.Offset;
        while (active.TryReadHeader(position, size, out var header))
        {
            if (header.Magic != RecordBatchLayout.CurrentMagic || header.BaseOffset < next)
            {
                return false;
            }

            position += header.TotalBytes;
            next = header.NextOffset;
        }

        active.NextOffset = next;
        return position == size;
    }

    private static OffsetPosition LastIndexedPosition(LogSegment active)
    {
        // FindBatch loads (and if needed rebuilds) the indices; the last entry is where the tail scan starts.
        _ = active.FindBatch(long.MaxValue, 0);
        return active.OffsetIndex.LastEntry;
    }

    /// <summary>Revalidates the segments an interrupted swap put in place, rebuilding their indices (theirs were
    /// deleted with the segments they replaced).</summary>
    private static (long TruncatedBytes, int Recovered) RecoverSwapped(List<LogSegment> segments, HashSet<long> swapped)
    {
        var truncated = 0L;
        var recovered = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            if (swapped.Contains(segments[i].BaseOffset))
            {
                var isLast = i == segments.Count - 1;
                truncated += SegmentRecovery.Recover(segments[i], isLast ? long.MaxValue : segments[i + 1].BaseOffset).TruncatedBytes;
                recovered++;
                if (!isLast)
                {
                    segments[i].OnBecomeInactive();
                }
            }
        }

        return (truncated, recovered);
    }

    /// <summary>Deletes leftovers, finishes interrupted swaps (adding their base offsets to
    /// <paramref name="swapped"/>) and returns the base offsets of the segments, ascending.</summary>
    private static List<long> CleanDirectory(string directory, HashSet<long> swapped)
    {
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogFileNames.DeletedSuffix, StringComparison.Ordinal)
                || name.EndsWith(LogFileNames.TempSuffix, StringComparison.Ordinal)
                || name.EndsWith(LogFileNames.CleanedSuffix, StringComparison.Ordinal))
            {
                File.Delete(path);
            }
        }

        foreach (var path in Directory.GetFiles(directory, "*" + LogFileNames.LogSuffix + LogFileNames.SwapSuffix))
        {
            swapped.Add(SwapCompletion.Complete(directory, path));
        }

        var logs = new SortedSet<long>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogFileNames.SwapSuffix, StringComparison.Ordinal))
            {
                // An index .swap whose log already took its final name: the log's indices are rebuilt instead.
                File.Delete(path);
            }
            else if (LogFileNames.TryParseBaseOffset(name, LogFileNames.LogSuffix, out var baseOffset))
            {
                logs.Add(baseOffset);
            }
        }

        if (swapped.Count > 0)
        {
            DurableFiles.SyncDirectory(directory);
        }

        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if ((LogFileNames.TryParseBaseOffset(name, LogFileNames.IndexSuffix, out var baseOffset)
                 || LogFileNames.TryParseBaseOffset(name, LogFileNames.TimeIndexSuffix, out baseOffset))
                && !logs.Contains(baseOffset))
            {
                File.Delete(path);
            }
        }

        return [.. logs];
    }
}
