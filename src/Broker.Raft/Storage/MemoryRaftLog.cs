namespace Broker.Raft.Storage;

/// <summary>
/// <see cref="IRaftLog"/> in memory, for tests, benchmarks and the simulator. <see cref="Sync"/> does
/// nothing: whatever a test wants to lose on a crash, it models on top of this.
/// Not thread-safe; one node's thread owns it.
/// </summary>
public sealed class MemoryRaftLog : IRaftLog
{
    private readonly List<Entry> _entries = [];

    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    public long FirstIndex => Snapshot.Index + 1;

    public long LastIndex => Snapshot.Index + _entries.Count;

    public RaftStorageError TryGetTerm(long index, out long term)
    {
        term = 0;
        if (index < Snapshot.Index)
        {
            return RaftStorageError.Compacted;
        }

        if (index > LastIndex)
        {
            return RaftStorageError.Unavailable;
        }

        term = index == Snapshot.Index ? Snapshot.Term : _entries[(int)(index - FirstIndex)].Term;
        return RaftStorageError.None;
    }

    public RaftStorageError TryGetEntries(long lo, long hi, long maxBytes, List<Entry> into)
    {
        if (lo < FirstIndex)
        {
            return RaftStorageError.Compacted;
        }

        if (hi > LastIndex + 1)
        {
            return RaftStorageError.Unavailable;
        }

        long bytes = 0;
        for (var index = lo; index < hi; index++)
        {
            var entry = _entries[(int)(index - FirstIndex)];
            bytes += entry.SizeBytes;
            if (index > lo && bytes > maxBytes)
            {
                break;
            }

            into.Add(entry);
        }

        return RaftStorageError.None;
    }

    public void Append(IReadOnlyList<Entry> entries)
    {
        var expected = LastIndex + 1;
        foreach (var entry in entries)
        {
            if (entry.Index != expected++)
            {
                throw new InvalidOperationException($"Append of index {entry.Index} does not continue a log ending at {expected - 2}.");
            }

            _entries.Add(entry);
        }
    }

    public void TruncateSuffix(long fromIndex)
    {
        if (fromIndex < FirstIndex)
        {
            throw new InvalidOperationException($"Truncating from {fromIndex} would cut into the snapshot at {Snapshot.Index}.");
        }

        if (fromIndex <= LastIndex)
        {
            _entries.RemoveRange((int)(fromIndex - FirstIndex), (int)(LastIndex - fromIndex + 1));
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

        _entries.RemoveRange(0, (int)(snapshot.Index - Snapshot.Index));
        Snapshot = snapshot;
        return RaftStorageError.None;
    }

    public RaftStorageError ApplySnapshot(Snapshot snapshot)
    {
        if (snapshot.Index < Snapshot.Index)
        {
            return RaftStorageError.SnapshotOutOfDate;
        }

        _entries.Clear();
        Snapshot = snapshot;
        return RaftStorageError.None;
    }

    public void Sync()
    {
    }
}
