namespace Broker.Raft;

/// <summary>
/// What the node needs done, in this order (<see cref="Storage.ReadyPersister"/> does the first three):
/// install <see cref="Snapshot"/>; append <see cref="Entries"/> (truncating any stored suffix they replace)
/// and sync; save <see cref="HardState"/>; only then send <see cref="Messages"/>; apply the snapshot to the
/// state machine, then <see cref="CommittedEntries"/>; answer reads from <see cref="ReadStates"/> once applied
/// far enough; finally call <see cref="RawNode.Advance"/> with this Ready.
/// </summary>
public sealed class Ready
{
    internal Ready(
        SoftState? softState,
        HardState? hardState,
        Snapshot? snapshot,
        IReadOnlyList<Entry> entries,
        IReadOnlyList<Entry> committedEntries,
        IReadOnlyList<Message> messages,
        IReadOnlyList<ReadState> readStates,
        bool mustSync)
    {
        SoftState = softState;
        HardState = hardState;
        Snapshot = snapshot;
        Entries = entries;
        CommittedEntries = committedEntries;
        Messages = messages;
        ReadStates = readStates;
        MustSync = mustSync;
    }

    /// <summary>Leader or role changed since the last Ready; null if not.</summary>
    public SoftState? SoftState { get; }

    /// <summary>Term, vote or commit changed since the last Ready; null if not.</summary>
    public HardState? HardState { get; }

    /// <summary>A snapshot from the leader to install in storage and the state machine; null if none.</summary>
    public Snapshot? Snapshot { get; }

    /// <summary>Entries to persist; if the first is at or below the stored last index, the stored suffix from it is replaced.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Entries committed and ready to apply, in index order. They may include some of <see cref="Entries"/>.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; }

    public IReadOnlyList<Message> Messages { get; }

    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>Entries, term or vote changed: storage must be synced before the messages leave.</summary>
    public bool MustSync { get; }
}
