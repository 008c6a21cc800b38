namespace Broker.Storage;

/// <summary>The segment's files: creating and opening them, the renames of deletion and of compaction's swap, and
/// finding the last batch (which a cleaned segment always keeps).</summary>
internal sealed partial class LogSegment
{
    /// <summary>Creates an empty segment (replacing stale files of the same name) ready for appends. With a
    /// <paramref name="suffix"/> (<see cref="LogFileNames.CleanedSuffix"/>) every file name carries it: the cleaner's
    /// output, renamed into place by <see cref="RenameFiles"/>.</summary>
    public static LogSegment Create(string directory, long baseOffset, LogConfig config, long nowMs, string suffix = "")
    {
        File.Delete(LogFileNames.IndexFile(directory, baseOffset) + suffix);
        File.Delete(LogFileNames.TimeIndexFile(directory, baseOffset) + suffix);
        var log = File.OpenHandle(LogFileNames.LogFile(directory, baseOffset) + suffix, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var segment = new LogSegment(directory, baseOffset, log, 0, config, nowMs, suffix);
        segment._firstBatchTimestampMs = TimeIndex.NoTimestamp;
        segment._offsetIndex.Open(config.IndexBytesMax);
        segment._timeIndex.Open(config.IndexBytesMax);
        segment._indexesLoaded = true;
        return segment;
    }

    /// <summary>Opens an existing segment without reading it: its size is the file length and its indices are
    /// opened on first use. The caller sets <see cref="NextOffset"/>.</summary>
    public static LogSegment Open(string directory, long baseOffset, LogConfig config, long nowMs)
    {
        var log = File.OpenHandle(LogFileNames.LogFile(directory, baseOffset), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(log);
        if (length > int.MaxValue)
        {
            log.Dispose();
            throw new IOException($"Segment {LogFileNames.LogFile(directory, baseOffset)} is {length} bytes; the limit is {int.MaxValue}.");
        }

        return new LogSegment(directory, baseOffset, log, (int)length, config, nowMs);
    }

    /// <summary>Step one of deletion: rename the files to *.deleted. Readers holding the segment keep reading
    /// through their open handle until <see cref="DeleteFiles"/>.</summary>
    public void RenameForDeletion()
    {
        IsDeleted = true;
        var deletedLog = LogPath + LogFileNames.DeletedSuffix;
        File.Move(LogPath, deletedLog, overwrite: true);
        LogPath = deletedLog;
        _offsetIndex.Rename(_offsetIndex.FilePath + LogFileNames.DeletedSuffix);
        _timeIndex.Rename(_timeIndex.FilePath + LogFileNames.DeletedSuffix);
    }

    /// <summary>Renames the three files to their segment names plus <paramref name="suffix"/> (the cleaner's
    /// .cleaned -> .swap -> final steps). Indices first and the log last: recovery keys on the log file's name, so
    /// when it has moved, its indices have too. Open handles and mappings stay valid (Unix rename).</summary>
    public void RenameFiles(string suffix)
    {
        _offsetIndex.Rename(LogFileNames.IndexFile(_directory, BaseOffset) + suffix);
        _timeIndex.Rename(LogFileNames.TimeIndexFile(_directory, BaseOffset) + suffix);
        var logPath = LogFileNames.LogFile(_directory, BaseOffset) + suffix;
        File.Move(LogPath, logPath, overwrite: true);
        LogPath = logPath;
    }

    /// <summary>File position of the last batch (found from the last offset index entry), or -1 when empty.</summary>
    public int LastBatchPosition()
    {
        var size = Size;
        _ = FindBatch(long.MaxValue, 0);
        var position = _offsetIndex.LastEntry.Position;
        var last = -1;
        while (TryReadHeader(position, size, out var header))
        {
            last = position;
            position += header.TotalBytes;
        }

        return last;
    }

    /// <summary>Step two: close and remove the files.</summary>
    public void DeleteFiles()
    {
        Interlocked.Increment(ref _generation);
        Dispose();
        File.Delete(LogPath);
        File.Delete(_offsetIndex.FilePath);
        File.Delete(_timeIndex.FilePath);
    }
}
