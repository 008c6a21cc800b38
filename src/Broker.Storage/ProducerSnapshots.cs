namespace Broker.Storage;

/// <summary>The <see cref="ProducerSnapshotFile"/>s of one partition directory: listing them and removing the ones a
/// change of the log made stale or useless. Called under the log's writer lock, or before the log is published.</summary>
internal static class ProducerSnapshots
{
    /// <summary>Offsets of the snapshot files present, ascending.</summary>
    public static List<long> List(string directory)
    {
        var offsets = new List<long>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + LogFileNames.ProducerSnapshotSuffix))
        {
            if (LogFileNames.TryParseBaseOffset(Path.GetFileName(path), LogFileNames.ProducerSnapshotSuffix, out var offset))
            {
                offsets.Add(offset);
            }
        }

        offsets.Sort();
        return offsets;
    }

    /// <summary>Deletes snapshots taken beyond <paramref name="logEndOffset"/>: they describe records the log no
    /// longer has (a truncation, or a crash that lost unflushed data).</summary>
    public static void DeleteAbove(string directory, long logEndOffset)
    {
        foreach (var offset in List(directory))
        {
            if (offset > logEndOffset)
            {
                File.Delete(LogFileNames.ProducerSnapshotPath(directory, offset));
            }
        }
    }

    /// <summary>Deletes snapshots below <paramref name="logStartOffset"/> except the newest one: nothing would start
    /// a rebuild from them while a later one exists (retention moved the log start past them).</summary>
    public static void DeleteBelow(string directory, long logStartOffset)
    {
        var offsets = List(directory);
        for (var i = 0; i < offsets.Count - 1; i++)
        {
            if (offsets[i] < logStartOffset)
            {
                File.Delete(LogFileNames.ProducerSnapshotPath(directory, offsets[i]));
            }
        }
    }

    /// <summary>Deletes the snapshots older than the newest one at or below <paramref name="lowestLogEnd"/>: a rebuild
    /// for a log ending at or above it starts from that one or a later one (<see cref="ProducerStateLoader"/>), so
    /// nothing would read the older ones again.</summary>
    public static void DeleteUnreachable(string directory, long lowestLogEnd)
    {
        var offsets = List(directory);
        var kept = offsets.FindLastIndex(offset => offset <= lowestLogEnd);
        for (var i = 0; i < kept; i++)
        {
            File.Delete(LogFileNames.ProducerSnapshotPath(directory, offsets[i]));
        }
    }

    public static void DeleteAll(string directory) => DeleteAbove(directory, -1);
}
