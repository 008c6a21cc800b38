using Broker.Raft.Storage;

namespace Broker.Raft.Core;

/// <summary>
/// The node's whole log: the stable part read through <see cref="IRaftLog"/>, the unstable tail not yet
/// persisted, and the two cursors over it. Invariant: Applied &lt;= Committed &lt;= LastIndex, and
/// Committed never moves back.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLog _storage;
    private readonly UnstableLog _unstable;
    private readonly ConfigHistory _configs;

    public RaftLog(IRaftLog storage)
    {
        _storage = storage;
        _unstable = new UnstableLog(storage.LastIndex + 1);
        Committed = storage.FirstIndex - 1;
        Applied = storage.FirstIndex - 1;
        _configs = new ConfigHistory(storage.Snapshot.Index, storage.Snapshot.ConfState);
        var stored = new List<Entry>();
        Check(storage.TryGetEntries(storage.FirstIndex, storage.LastIndex + 1, long.MaxValue, stored));
        _configs.OnAppend(stored);
    }

    public long Committed { get; private set; }

    public long Applied { get; private set; }

    public ConfigHistory Configs => _configs;

    public long FirstIndex => _unstable.MaybeFirstIndex ?? _storage.FirstIndex;

    public long LastIndex => _unstable.MaybeLastIndex ?? _storage.LastIndex;

    public long LastTerm => TermOrZero(LastIndex);

    public IReadOnlyList<Entry> UnstableEntries => _unstable.Entries;

    public Snapshot? UnstableSnapshot => _unstable.Snapshot;

    public Snapshot Snapshot => _unstable.Snapshot ?? _storage.Snapshot;

    public RaftStorageError TryGetTerm(long index, out long term)
    {
        term = 0;
        if (index < FirstIndex - 1)
        {
            return RaftStorageError.Compacted;
        }

        if (index > LastIndex)
        {
            return RaftStorageError.Unavailable;
        }

        if (_unstable.MaybeTerm(index) is { } unstableTerm)
        {
            term = unstableTerm;
            return RaftStorageError.None;
        }

        return _storage.TryGetTerm(index, out term);
    }

    /// <summary>The term at <paramref name="index"/>, or 0 where it is unknown (compacted or absent); 0 never
    /// matches a real term, which starts at 1.</summary>
    public long TermOrZero(long index) => TryGetTerm(index, out var term) == RaftStorageError.None ? term : 0;

    public bool MatchTerm(long index, long term) => TryGetTerm(index, out var t) == RaftStorageError.None && t == term;

    /// <summary>Raft's election restriction (section 5.4.1): a candidate's log at (index, term) is at least as up to date as ours.</summary>
    public bool IsUpToDate(long lastIndex, long term) =>
        term > LastTerm || (term == LastTerm && lastIndex >= LastIndex);

    /// <summary>
    /// The follower's AppendEntries: if our log holds (prevIndex, prevTerm), keep the matching entries, replace
    /// from the first conflict on, and advance the commit index. Returns the index of the last new entry, or
    /// null when the log does not match at prevIndex.
    /// </summary>
    public long? MaybeAppend(long prevIndex, long prevTerm, long leaderCommit, IReadOnlyList<Entry> entries)
    {
        if (!MatchTerm(prevIndex, prevTerm))
        {
            return null;
        }

        var lastNew = prevIndex + entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
            {
                throw new InvalidOperationException($"Entry {conflict} conflicts with the committed prefix ending at {Committed}.");
            }

            Append(Tail(entries, (int)(conflict - (prevIndex + 1))));
        }

        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
    }

    public long Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return LastIndex;
        }

        if (entries[0].Index - 1 < Committed)
        {
            throw new InvalidOperationException($"Append from {entries[0].Index} would overwrite committed {Committed}.");
        }

        _unstable.TruncateAndAppend(entries);
        _configs.OnAppend(entries);
        return LastIndex;
    }

    /// <summary>Index of the first entry that is not already in the log with the same term; 0 if none.</summary>
    private long FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }

        return 0;
    }

    /// <summary>
    /// For a rejected append: the largest index at or below <paramref name="index"/> whose term is at most
    /// <paramref name="term"/>, with that term. Everything above it cannot match an entry of a term at most
    /// <paramref name="term"/>, so the leader may skip a whole term of divergent entries in one round trip.
    /// </summary>
    public (long Index, long Term) FindConflictByTerm(long index, long term)
    {
        for (; index > 0; index--)
        {
            var error = TryGetTerm(index, out var ourTerm);
            if (error != RaftStorageError.None)
            {
                // Compacted: everything at or below is committed, so it matches.
                return (index, 0);
            }

            if (ourTerm <= term)
            {
                return (index, ourTerm);
            }
        }

        return (0, 0);
    }

    /// <summary>The entries [lo, hi), at most <paramref name="maxBytes"/> of them (at least one).</summary>
    public RaftStorageError TrySlice(long lo, long hi, long maxBytes, List<Entry> into)
    {
        if (lo < FirstIndex)
        {
            return RaftStorageError.Compacted;
        }

        if (hi > LastIndex + 1)
        {
            return RaftStorageError.Unavailable;
        }

        var before = into.Count;
        long bytes = 0;
        if (lo < _unstable.Offset)
        {
            var stop = Math.Min(hi, _unstable.Offset);
            var error = _storage.TryGetEntries(lo, stop, maxBytes, into);
            if (error != RaftStorageError.None || hi <= _unstable.Offset || into.Count - before < stop - lo)
            {
                return error;
            }

            for (var i = before; i < into.Count; i++)
            {
                bytes += into[i].SizeBytes;
            }

            lo = _unstable.Offset;
        }

        for (var index = lo; index < hi; index++)
        {
            var entry = _unstable.EntryAt(index);
            bytes += entry.SizeBytes;
            if (into.Count > before && bytes > maxBytes)
            {
                break;
            }

            into.Add(entry);
        }

        return RaftStorageError.None;
    }

    public void CommitTo(long index)
    {
        if (index <= Committed)
        {
            return;
        }

        if (index > LastIndex)
        {
            throw new InvalidOperationException($"Commit index {index} is beyond the last index {LastIndex}.");
        }

        Committed = index;
    }

    /// <summary>Commits up to <paramref name="index"/> if the entry there is of <paramref name="term"/>: a leader
    /// commits only entries of its own term by counting replicas (Raft section 5.4.2, Figure 8).</summary>
    public bool MaybeCommit(long index, long term)
    {
        if (index > Committed && TermOrZero(index) == term)
        {
            CommitTo(index);
            return true;
        }

        return false;
    }

    public bool HasNextCommittedEntries => Committed > Math.Max(Applied, FirstIndex - 1);

    /// <summary>Committed entries not yet handed to the application, up to <paramref name="maxBytes"/>.</summary>
    public IReadOnlyList<Entry> NextCommittedEntries(long maxBytes)
    {
        var lo = Math.Max(Applied + 1, FirstIndex);
        if (Committed < lo)
        {
            return [];
        }

        var entries = new List<Entry>();
        Check(TrySlice(lo, Committed + 1, maxBytes, entries));
        return entries;
    }

    public void AppliedTo(long index)
    {
        if (index < Applied || index > Committed)
        {
            throw new InvalidOperationException($"Applied {index} outside [{Applied}, {Committed}].");
        }

        Applied = index;
    }

    public void StableTo(long index, long term) => _unstable.StableTo(index, term);

    public void StableSnapshotTo(long index) => _unstable.StableSnapshotTo(index);

    /// <summary>Replaces the log with a snapshot from the leader; it is committed by definition.</summary>
    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Index;
        _unstable.Restore(snapshot);
        _configs.Restore(snapshot.Index, snapshot.ConfState);
    }

    /// <summary>Forgets configurations the application has compacted away into its storage snapshot.</summary>
    public void CompactConfigs() => _configs.CompactTo(_storage.Snapshot.Index);

    private static IReadOnlyList<Entry> Tail(IReadOnlyList<Entry> entries, int skip) =>
        skip == 0 ? entries : entries.Skip(skip).ToArray();

    private static void Check(RaftStorageError error)
    {
        if (error != RaftStorageError.None)
        {
            throw new InvalidOperationException($"Storage answered {error} for a range the log reported as present.");
        }
    }
}
