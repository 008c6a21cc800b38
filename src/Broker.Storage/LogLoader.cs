using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// Opens a partition directory. Leftovers first: *.deleted and *.tmp files are removed, as are index files without
/// a log. Then:
/// <list type="bullet">
/// <item>After a clean shutdown nothing is read except the tail of the active segment, from its last offset index
/// entry, to find the log end offset; other segments open their indices on first use. This is what keeps reopening
/// 1,000 segments well under a second.</item>
/// <item>Otherwise every segment from the one holding the recovery point onwards is revalidated batch by batch
/// (<see cref="SegmentRecovery.Recover"/>); at the first bad batch the segment is cut and every later segment is
/// deleted, as is any segment whose base offset does not continue the previous one. Work is proportional to the
/// data written after the last flush (plus at most one segment).</item>
/// </list>
/// Runs before the log is published, on the opening thread.
/// </summary>
internal static class LogLoader
{
    public static LoadedLog Load(string directory, LogConfig config, bool hadCleanShutdown, long recoveryPoint, long logStartOffset, long nowMs)
    {
        Directory.CreateDirectory(directory);
        var baseOffsets = CleanDirectory(directory);
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

            var (truncated, recovered) = hadCleanShutdown ? (0L, 0) : Recover(segments, recoveryPoint);
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
            var result = SegmentRecovery.Recover(segments[i]);
            truncated += result.TruncatedBytes;
            recovered++;
            var isLast = i == segments.Count - 1;
            if (!isLast && result.NextOffset != segments[i + 1].BaseOffset)
            {
                // Offsets must continue from segment to segment: what follows a gap or a cut is not trusted.
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
            if (header.Magic != RecordBatchLayout.CurrentMagic || header.BaseOffset != next)
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

    /// <summary>Deletes leftovers and returns the base offsets of the segments, ascending.</summary>
    private static List<long> CleanDirectory(string directory)
    {
        var logs = new SortedSet<long>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogFileNames.DeletedSuffix, StringComparison.Ordinal) || name.EndsWith(LogFileNames.TempSuffix, StringComparison.Ordinal))
            {
                File.Delete(path);
            }
            else if (LogFileNames.TryParseBaseOffset(name, LogFileNames.LogSuffix, out var baseOffset))
            {
                logs.Add(baseOffset);
            }
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
