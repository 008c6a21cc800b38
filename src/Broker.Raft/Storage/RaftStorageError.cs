namespace Broker.Raft.Storage;

/// <summary>The named outcomes of reading an <see cref="IRaftLog"/>; operating conditions, not bugs.</summary>
public enum RaftStorageError
{
    None = 0,

    /// <summary>The index lies below the log's first index: it was folded into the snapshot.</summary>
    Compacted,

    /// <summary>The index lies beyond the log's last index: it was never written (or was truncated).</summary>
    Unavailable,

    /// <summary>A snapshot older than the one already held was offered for installation.</summary>
    SnapshotOutOfDate,
}
