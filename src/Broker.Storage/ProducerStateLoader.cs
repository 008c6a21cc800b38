namespace Broker.Storage;

/// <summary>
/// Rebuilds a partition's <see cref="ProducerStateTable"/> for a log that ends at a given offset: the newest readable
/// snapshot at or below that end, then every batch header still on disk from the snapshot's offset (or from the first
/// segment, when no snapshot is usable) to the end. Batches below the log start count too: the live table applied them
/// and keeps their producers until they expire (<see cref="ProducerStateTable.RemoveExpired"/>), so a rebuild that
/// skipped them would fall behind it, taking such a producer's retry as new and its next batch as out of order.
/// Snapshots beyond the end are deleted first, damaged ones when found. So the work after a clean shutdown is one small
/// file (the snapshot written at close is at the log end), after a crash the headers of the segments since the last
/// roll, and only a log that never had a snapshot is scanned whole.
/// Runs before the log is published, or under its writer lock (after a truncation).
/// </summary>
internal static class ProducerStateLoader
{
    public static ProducerStateTable Load(string directory, LogSegments segments, long logStartOffset, long logEndOffset, long nowMs, LogConfig config)
    {
        ProducerSnapshots.DeleteAbove(directory, logEndOffset);
        ProducerStateTable? table = null;
        var from = segments.First.BaseOffset;
        var offsets = ProducerSnapshots.List(directory);
        for (var i = offsets.Count - 1; i >= 0 && table is null; i--)
        {
            var path = LogFileNames.ProducerSnapshotPath(directory, offsets[i]);
            table = ProducerSnapshotFile.Read(path);
            if (table is null)
            {
                TryDelete(path);
            }
            else
            {
                from = offsets[i];
            }
        }

        table ??= new ProducerStateTable();
        Scan(table, segments, from, logEndOffset);
        table.RemoveExpired(nowMs, logStartOffset, config.ProducerIdExpirationMs, config.Compacts);
        return table;
    }

    /// <summary>Deletes an unusable snapshot so it is not read again; one that cannot be deleted (a directory of that
    /// name, no permission) is skipped at every open instead, which costs a failed read.</summary>
    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in place: see above.
        }
    }

    /// <summary>Applies the header of every batch holding an offset in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static void Scan(ProducerStateTable table, LogSegments segments, long from, long to)
    {
        for (var i = Math.Max(0, segments.FloorIndex(from)); i < segments.Count && from < to; i++)
        {
            var segment = segments[i];
            var size = segment.Size;
            var (position, header) = segment.FindBatch(from, size);
            while (position >= 0 && header.BaseOffset < to)
            {
                table.ApplyFromLog(header);
                position += header.TotalBytes;
                if (!segment.TryReadHeader(position, size, out header))
                {
                    break;
                }
            }
        }
    }
}
