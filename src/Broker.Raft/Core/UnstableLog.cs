namespace Broker.Raft.Core;

/// <summary>
/// Entries (and possibly one snapshot) accepted by the node but not yet confirmed durable by the
/// application. <see cref="Offset"/> is the index of the first unstable entry; everything below it is in
/// storage. Emptied as the application reports persistence through Advance.
/// </summary>
internal sealed class UnstableLog
{
    private List<Entry> _entries = [];

    public UnstableLog(long offset)
    {
        Offset = offset;
    }

    public long Offset { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public long? MaybeFirstIndex => Snapshot is null ? null : Snapshot.Index + 1;

    public long? MaybeLastIndex =>
        _entries.Count > 0 ? Offset + _entries.Count - 1 : Snapshot?.Index;

    public long? MaybeTerm(long index)
    {
        if (index < Offset)
        {
            return Snapshot is not null && Snapshot.Index == index ? Snapshot.Term : null;
        }

        var last = MaybeLastIndex;
        return last is null || index > last ? null : _entries[(int)(index - Offset)].Term;
    }

    /// <summary>Drops entries up to <paramref name="index"/> now that storage holds them, unless the entry there
    /// was replaced (different term) while the write was under way.</summary>
    public void StableTo(long index, long term)
    {
        if (MaybeTerm(index) != term || index < Offset)
        {
            return;
        }

        _entries.RemoveRange(0, (int)(index + 1 - Offset));
        Offset = index + 1;
    }

    public void StableSnapshotTo(long index)
    {
        if (Snapshot is not null && Snapshot.Index == index)
        {
            Snapshot = null;
        }
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Index + 1;
        _entries = [];
        Snapshot = snapshot;
    }

    /// <summary>Appends entries, first dropping any unstable suffix they replace. When they start below
    /// <see cref="Offset"/>, the stable suffix they replace is truncated by the application, which sees
    /// them start below the end of its log.</summary>
    public void TruncateAndAppend(IReadOnlyList<Entry> entries)
    {
        var from = entries[0].Index;
        if (from == Offset + _entries.Count)
        {
            _entries.AddRange(entries);
        }
        else if (from <= Offset)
        {
            Offset = from;
            _entries = [.. entries];
        }
        else
        {
            _entries.RemoveRange((int)(from - Offset), _entries.Count - (int)(from - Offset));
            _entries.AddRange(entries);
        }
    }

    public Entry EntryAt(long index) => _entries[(int)(index - Offset)];
}
