using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Storage;

/// <summary>The <see cref="IRaftLog"/> contract, run against every implementation.</summary>
public abstract class RaftLogContractTests
{
    protected abstract IRaftLog Log { get; }

    protected static Entry[] Entries(long from, params long[] terms) =>
        terms.Select((term, i) => new Entry(from + i, term, new byte[] { (byte)(from + i) })).ToArray();

    protected static Snapshot SnapshotAt(long index, long term) =>
        new(index, term, new ConfState([1, 2, 3], []), new byte[] { 42 });

    [Fact]
    public void An_empty_log_starts_at_index_one_and_ends_at_zero()
    {
        Assert.Equal(1, Log.FirstIndex);
        Assert.Equal(0, Log.LastIndex);
        Assert.Equal(RaftStorageError.None, Log.TryGetTerm(0, out var term));
        Assert.Equal(0, term);
        Assert.Equal(RaftStorageError.Unavailable, Log.TryGetTerm(1, out _));
    }

    [Fact]
    public void Ranges_are_half_open()
    {
        Log.Append(Entries(1, 1, 1, 2, 3));
        var into = new List<Entry>();
        Assert.Equal(RaftStorageError.None, Log.TryGetEntries(2, 4, long.MaxValue, into));
        Assert.Equal([2L, 3L], into.Select(e => e.Index));
        into.Clear();
        Assert.Equal(RaftStorageError.None, Log.TryGetEntries(3, 3, long.MaxValue, into));
        Assert.Empty(into);
        Assert.Equal(RaftStorageError.Unavailable, Log.TryGetEntries(3, 6, long.MaxValue, into));
        Assert.Empty(into);
    }

    [Fact]
    public void Entries_stop_at_max_bytes_but_always_include_one()
    {
        Log.Append(Entries(1, 1, 1, 1, 1));
        var into = new List<Entry>();
        Log.TryGetEntries(1, 5, 1, into);
        Assert.Single(into);
        into.Clear();
        Log.TryGetEntries(1, 5, 2 * (Entry.HeaderBytes + 1), into);
        Assert.Equal(2, into.Count);
    }

    [Fact]
    public void Append_must_continue_the_log()
    {
        Log.Append(Entries(1, 1, 1));
        Assert.Throws<InvalidOperationException>(() => Log.Append(Entries(4, 1)));
        Assert.Throws<InvalidOperationException>(() => Log.Append(Entries(2, 1)));
        Assert.Equal(2, Log.LastIndex);
    }

    [Fact]
    public void Truncate_suffix_removes_from_the_index_to_the_end()
    {
        Log.Append(Entries(1, 1, 1, 2, 2));
        Log.TruncateSuffix(3);
        Assert.Equal(2, Log.LastIndex);
        Log.Append(Entries(3, 3));
        Assert.Equal(RaftStorageError.None, Log.TryGetTerm(3, out var term));
        Assert.Equal(3, term);
    }

    [Fact]
    public void Compact_drops_the_covered_entries_and_answers_compacted_below()
    {
        Log.Append(Entries(1, 1, 1, 2, 2, 3));
        Assert.Equal(RaftStorageError.None, Log.Compact(SnapshotAt(3, 2)));
        Assert.Equal(4, Log.FirstIndex);
        Assert.Equal(5, Log.LastIndex);
        Assert.Equal(RaftStorageError.None, Log.TryGetTerm(3, out var term));
        Assert.Equal(2, term);
        Assert.Equal(RaftStorageError.Compacted, Log.TryGetTerm(2, out _));
        Assert.Equal(RaftStorageError.Compacted, Log.TryGetEntries(3, 5, long.MaxValue, []));
        Assert.Equal(RaftStorageError.SnapshotOutOfDate, Log.Compact(SnapshotAt(2, 1)));
        Assert.Equal(RaftStorageError.Unavailable, Log.Compact(SnapshotAt(9, 3)));
    }

    [Fact]
    public void Truncating_into_the_snapshot_is_refused()
    {
        Log.Append(Entries(1, 1, 1, 1));
        Log.Compact(SnapshotAt(2, 1));
        Assert.Throws<InvalidOperationException>(() => Log.TruncateSuffix(2));
    }

    [Fact]
    public void Apply_snapshot_replaces_the_whole_log()
    {
        Log.Append(Entries(1, 1, 1, 1));
        Assert.Equal(RaftStorageError.None, Log.ApplySnapshot(SnapshotAt(10, 4)));
        Assert.Equal(11, Log.FirstIndex);
        Assert.Equal(10, Log.LastIndex);
        Assert.Equal(10, Log.Snapshot.Index);
        Assert.Equal([1, 2, 3], Log.Snapshot.ConfState.Voters);
        Log.Append(Entries(11, 5));
        Assert.Equal(11, Log.LastIndex);
        Assert.Equal(RaftStorageError.SnapshotOutOfDate, Log.ApplySnapshot(SnapshotAt(9, 4)));
    }
}

public sealed class MemoryRaftLogTests : RaftLogContractTests
{
    protected override IRaftLog Log { get; } = new MemoryRaftLog();
}
