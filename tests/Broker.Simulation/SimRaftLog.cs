using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Simulation;

/// <summary>
/// An <see cref="IRaftLog"/> that loses on a crash exactly what the contract lets it lose: writes since
/// the last Sync may survive only as a prefix (the operations in order, the last append possibly torn).
/// Snapshots are durable on return, as the contract says.
/// </summary>
internal sealed class SimRaftLog : IRaftLog
{
    private readonly List<(long TruncateFrom, Entry[]? Appended)> _unsynced = [];
    private MemoryRaftLog _durable = new();
    private MemoryRaftLog _current = new();

    public long FirstIndex => _current.FirstIndex;

    public long LastIndex => _current.LastIndex;

    public Snapshot Snapshot => _current.Snapshot;

    public RaftStorageError TryGetTerm(long index, out long term) => _current.TryGetTerm(index, out term);

    public RaftStorageError TryGetEntries(long lo, long hi, long maxBytes, List<Entry> into) =>
        _current.TryGetEntries(lo, hi, maxBytes, into);

    public void Append(IReadOnlyList<Entry> entries)
    {
        _current.Append(entries);
        _unsynced.Add((0, entries.ToArray()));
    }

    public void TruncateSuffix(long fromIndex)
    {
        _current.TruncateSuffix(fromIndex);
        _unsynced.Add((fromIndex, null));
    }

    public RaftStorageError Compact(Snapshot snapshot)
    {
        var error = _current.Compact(snapshot);
        if (error == RaftStorageError.None)
        {
            // The application compacts only what it applied, and it applies only what was synced.
            var durableError = _durable.Compact(snapshot);
            if (durableError != RaftStorageError.None)
            {
                throw new InvariantViolation($"compaction at {snapshot.Index} of entries that were never synced ({durableError})");
            }
        }

        return error;
    }

    public RaftStorageError ApplySnapshot(Snapshot snapshot)
    {
        var error = _current.ApplySnapshot(snapshot);
        if (error == RaftStorageError.None)
        {
            _unsynced.Clear();
            _durable.ApplySnapshot(snapshot);
        }

        return error;
    }

    public void Sync()
    {
        foreach (var operation in _unsynced)
        {
            Replay(_durable, operation, operation.Appended?.Length ?? 0);
        }

        _unsynced.Clear();
    }

    /// <summary>A power loss: keeps a random prefix of the unsynced writes, possibly tearing the last append.</summary>
    public void Crash(Random random)
    {
        var survivors = random.Next(_unsynced.Count + 1);
        for (var i = 0; i < survivors; i++)
        {
            var operation = _unsynced[i];
            var count = operation.Appended?.Length ?? 0;
            if (i == survivors - 1 && count > 0)
            {
                count = random.Next(count + 1);
            }

            Replay(_durable, operation, count);
        }

        _unsynced.Clear();
        _current = Clone(_durable);
    }

    /// <summary>Every entry held, for the checkers.</summary>
    public List<Entry> AllEntries()
    {
        var entries = new List<Entry>();
        _current.TryGetEntries(FirstIndex, LastIndex + 1, long.MaxValue, entries);
        return entries;
    }

    private static void Replay(MemoryRaftLog log, (long TruncateFrom, Entry[]? Appended) operation, int count)
    {
        if (operation.Appended is null)
        {
            log.TruncateSuffix(operation.TruncateFrom);
        }
        else if (count > 0)
        {
            log.Append(operation.Appended[..count]);
        }
    }

    private static MemoryRaftLog Clone(MemoryRaftLog source)
    {
        var clone = new MemoryRaftLog();
        clone.ApplySnapshot(source.Snapshot);
        var entries = new List<Entry>();
        source.TryGetEntries(source.FirstIndex, source.LastIndex + 1, long.MaxValue, entries);
        clone.Append(entries);
        return clone;
    }
}
