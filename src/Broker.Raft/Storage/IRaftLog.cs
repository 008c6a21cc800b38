namespace Broker.Raft.Storage;

/// <summary>
/// The stable log of one Raft node: a snapshot followed by the entries [<see cref="FirstIndex"/>,
/// <see cref="LastIndex"/>]. Every range is half-open, [lo, hi).
/// <para>
/// Who calls: the Raft core only reads (on the node's single thread); the application's driver writes,
/// applying each <see cref="Ready"/> in order (see <see cref="ReadyPersister"/>) before it sends that
/// Ready's messages.
/// </para>
/// <para>
/// After a crash: everything written before the last <see cref="Sync"/> returned survives; writes after
/// it may survive in part, but only as a prefix of the log (a torn tail is cut, never a hole). A snapshot
/// installed by <see cref="Compact"/> or <see cref="ApplySnapshot"/> is durable when the call returns.
/// </para>
/// </summary>
public interface IRaftLog
{
    /// <summary>Index of the first entry held; <c>Snapshot.Index + 1</c>, also when the log is empty.</summary>
    long FirstIndex { get; }

    /// <summary>Index of the last entry held; <c>FirstIndex - 1</c> when the log is empty.</summary>
    long LastIndex { get; }

    /// <summary>The latest snapshot; <see cref="Snapshot.Empty"/> until the first compaction.</summary>
    Snapshot Snapshot { get; }

    /// <summary>Term of the entry at <paramref name="index"/>, for index in [FirstIndex - 1, LastIndex]
    /// (FirstIndex - 1 answers with the snapshot's term). Below: <see cref="RaftStorageError.Compacted"/>;
    /// above: <see cref="RaftStorageError.Unavailable"/>.</summary>
    RaftStorageError TryGetTerm(long index, out long term);

    /// <summary>Adds the entries [lo, hi) to <paramref name="into"/>, stopping once their total size would pass
    /// <paramref name="maxBytes"/> but always adding at least one. lo below FirstIndex: Compacted; hi past
    /// LastIndex + 1: Unavailable. Nothing is added on error.</summary>
    RaftStorageError TryGetEntries(long lo, long hi, long maxBytes, List<Entry> into);

    /// <summary>Appends entries that continue the log: the first must have index LastIndex + 1 and the rest
    /// follow contiguously. Not durable until <see cref="Sync"/>.</summary>
    void Append(IReadOnlyList<Entry> entries);

    /// <summary>Removes the entries [fromIndex, LastIndex + 1); fromIndex must be at least FirstIndex. The
    /// caller must never truncate committed entries. Not durable until <see cref="Sync"/>.</summary>
    void TruncateSuffix(long fromIndex);

    /// <summary>Installs a snapshot the application took of its own applied state and drops the entries it
    /// covers. Its index must lie in [FirstIndex - 1, LastIndex], otherwise SnapshotOutOfDate (older) or
    /// Unavailable (newer). Durable on return.</summary>
    RaftStorageError Compact(Snapshot snapshot);

    /// <summary>Replaces the whole log with a snapshot received from the leader; the log becomes empty after it.
    /// Older than the current snapshot: SnapshotOutOfDate. Durable on return.</summary>
    RaftStorageError ApplySnapshot(Snapshot snapshot);

    /// <summary>Makes every earlier Append and TruncateSuffix durable (fsync).</summary>
    void Sync();
}
