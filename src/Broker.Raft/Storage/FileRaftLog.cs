namespace Broker.Raft.Storage;

/// <summary>
/// The durable <see cref="IRaftLog"/>: a snapshot file plus segment files of entries.
/// <code>
/// &lt;dir&gt;/snapshot                    latest snapshot (SnapshotFile format), replaced atomically
/// &lt;dir&gt;/00000000000000000042.log    entries from index 42 (EntryRecord format), rolled at SegmentBytes
/// </code>
/// Reads are served from a copy of the log held in memory (<see cref="MemoryRaftLog"/>, which also checks
/// every argument): the metadata log is small and kept so by snapshots; the files exist for durability.
/// After a crash the constructor recovers: a torn or corrupt tail is cut, a half-done snapshot
/// installation is finished, and anything the snapshot covers is skipped.
/// Single-threaded, like the node that owns it.
/// </summary>
public sealed class FileRaftLog : IRaftLog, IDisposable
{
    private const string SnapshotName = "snapshot";

    /// <summary>A leader's snapshot written in full before the old log is deleted; its presence at startup
    /// means the installation must be completed.</summary>
    private const string InstallName = "snapshot.install";

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly MemoryRaftLog _cache = new();
    private readonly List<RaftSegment> _segments = [];
    private bool _directoryChanged;

    public FileRaftLog(string directory, long segmentBytes = RaftLimits.SegmentBytesDefault)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        Directory.CreateDirectory(directory);
        FinishInterruptedInstall();
        var snapshotPath = Path.Combine(directory, SnapshotName);
        var snapshot = SnapshotFile.TryRead(snapshotPath);
        if (snapshot is null && File.Exists(snapshotPath))
        {
            throw new InvalidDataException($"Snapshot file {snapshotPath} is corrupt; it is only ever replaced atomically.");
        }

        _cache.ApplySnapshot(snapshot ?? Snapshot.Empty);
        RecoverSegments();
    }

    public long FirstIndex => _cache.FirstIndex;

    public long LastIndex => _cache.LastIndex;

    public Snapshot Snapshot => _cache.Snapshot;

    public RaftStorageError TryGetTerm(long index, out long term) => _cache.TryGetTerm(index, out term);

    public RaftStorageError TryGetEntries(long lo, long hi, long maxBytes, List<Entry> into) =>
        _cache.TryGetEntries(lo, hi, maxBytes, into);

    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        _cache.Append(entries);
        var active = _segments.Count > 0 ? _segments[^1] : null;
        if (active is null || active.Bytes >= _segmentBytes)
        {
            // The rolled segment will not be written again: make it durable now, so Sync need only look at the last.
            active?.Sync();
            active = RaftSegment.Create(_directory, entries[0].Index);
            _segments.Add(active);
            _directoryChanged = true;
        }

        active.Append(entries, 0, entries.Count);
    }

    public void TruncateSuffix(long fromIndex)
    {
        _cache.TruncateSuffix(fromIndex);
        while (_segments.Count > 0 && _segments[^1].BaseIndex >= fromIndex)
        {
            _segments[^1].Delete();
            _segments.RemoveAt(_segments.Count - 1);
            _directoryChanged = true;
        }

        if (_segments.Count > 0 && _segments[^1].LastIndex >= fromIndex)
        {
            _segments[^1].TruncateFrom(fromIndex);
        }
    }

    public RaftStorageError Compact(Snapshot snapshot)
    {
        if (snapshot.Index < Snapshot.Index)
        {
            return RaftStorageError.SnapshotOutOfDate;
        }

        if (snapshot.Index > LastIndex)
        {
            return RaftStorageError.Unavailable;
        }

        DurableFile.WriteAtomically(Path.Combine(_directory, SnapshotName), SnapshotFile.Encode(snapshot));
        _cache.Compact(snapshot);

        // Only whole segments go; entries of a partly covered one are skipped at recovery.
        while (_segments.Count > 0 && _segments[0].LastIndex <= snapshot.Index)
        {
            _segments[0].Delete();
            _segments.RemoveAt(0);
        }

        DurableFile.SyncDirectory(_directory);
        return RaftStorageError.None;
    }

    public RaftStorageError ApplySnapshot(Snapshot snapshot)
    {
        if (snapshot.Index < Snapshot.Index)
        {
            return RaftStorageError.SnapshotOutOfDate;
        }

        // Write the new snapshot in full before deleting anything: if we crash in between, startup sees the
        // install file and finishes the job, so the log is either entirely old or entirely new.
        var installPath = Path.Combine(_directory, InstallName);
        DurableFile.WriteAndSync(installPath, SnapshotFile.Encode(snapshot));
        DurableFile.SyncDirectory(_directory);
        CompleteInstall(installPath);
        _cache.ApplySnapshot(snapshot);
        return RaftStorageError.None;
    }

    public void Sync()
    {
        if (_segments.Count > 0)
        {
            _segments[^1].Sync();
        }

        if (_directoryChanged)
        {
            DurableFile.SyncDirectory(_directory);
            _directoryChanged = false;
        }
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }
    }

    private void FinishInterruptedInstall()
    {
        var installPath = Path.Combine(_directory, InstallName);
        if (SnapshotFile.TryRead(installPath) is not null)
        {
            CompleteInstall(installPath);
        }
        else
        {
            // Torn before it was synced: the installation never began; the old log stands.
            File.Delete(installPath);
        }

        File.Delete(Path.Combine(_directory, SnapshotName + ".tmp"));
    }

    /// <summary>Deletes every segment, then moves the installed snapshot into place.</summary>
    private void CompleteInstall(string installPath)
    {
        foreach (var segment in _segments)
        {
            segment.Delete();
        }

        _segments.Clear();
        foreach (var path in SegmentPaths())
        {
            File.Delete(path.Path);
        }

        DurableFile.SyncDirectory(_directory);
        File.Move(installPath, Path.Combine(_directory, SnapshotName), overwrite: true);
        DurableFile.SyncDirectory(_directory);
    }

    private void RecoverSegments()
    {
        var entries = new List<Entry>();
        var paths = SegmentPaths();
        var expected = (long?)null;
        for (var i = 0; i < paths.Count; i++)
        {
            var (path, baseIndex) = paths[i];
            var startsInSequence = expected is null ? baseIndex <= FirstIndex : baseIndex == expected;
            if (!startsInSequence)
            {
                // A gap: what follows cannot be part of this log. Treat it as a torn tail.
                DeleteFrom(paths, i);
                break;
            }

            var before = entries.Count;
            var segment = RaftSegment.Recover(path, baseIndex, entries, out var wasCut);
            _segments.Add(segment);
            expected = segment.LastIndex + 1;
            if (entries.Count - before == 0 || wasCut)
            {
                // The log ends inside this segment: anything in later segments would follow a hole.
                DeleteFrom(paths, i + 1);
                break;
            }
        }

        DropEmptyLastSegment();
        _cache.Append(entries.Where(e => e.Index > Snapshot.Index).ToList());
    }

    private void DropEmptyLastSegment()
    {
        if (_segments.Count > 0 && _segments[^1].LastIndex < _segments[^1].BaseIndex)
        {
            _segments[^1].Delete();
            _segments.RemoveAt(_segments.Count - 1);
        }
    }

    private static void DeleteFrom(List<(string Path, long BaseIndex)> paths, int from)
    {
        for (var i = from; i < paths.Count; i++)
        {
            File.Delete(paths[i].Path);
        }
    }

    private List<(string Path, long BaseIndex)> SegmentPaths()
    {
        var paths = new List<(string Path, long BaseIndex)>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + RaftSegment.Extension))
        {
            if (RaftSegment.TryParseBaseIndex(path, out var baseIndex))
            {
                paths.Add((path, baseIndex));
            }
        }

        paths.Sort((a, b) => a.BaseIndex.CompareTo(b.BaseIndex));
        return paths;
    }
}
