using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Storage;

public sealed class FileRaftLogTests : RaftLogContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raft-log-" + Guid.NewGuid().ToString("N"));
    private FileRaftLog _log;

    public FileRaftLogTests()
    {
        _log = new FileRaftLog(_directory, segmentBytes: 256);
    }

    protected override IRaftLog Log => _log;

    public void Dispose()
    {
        _log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Reopen()
    {
        _log.Dispose();
        _log = new FileRaftLog(_directory, segmentBytes: 256);
    }

    private List<Entry> All()
    {
        var entries = new List<Entry>();
        _log.TryGetEntries(_log.FirstIndex, _log.LastIndex + 1, long.MaxValue, entries);
        return entries;
    }

    private string LastSegment() => Directory.GetFiles(_directory, "*.log").Order().Last();

    [Fact]
    public void Synced_entries_survive_a_reopen()
    {
        var written = Entries(1, 1, 1, 2, 2, 3);
        _log.Append(written);
        _log.Sync();
        Reopen();
        Assert.Equal(written, All());
    }

    [Fact]
    public void A_torn_tail_is_cut_at_the_last_whole_entry()
    {
        _log.Append(Entries(1, 1, 1, 1));
        _log.Sync();
        var segment = LastSegment();
        var length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            // Half of the last record reached the disk.
            stream.SetLength(length - 10);
        }

        Reopen();
        Assert.Equal(2, _log.LastIndex);
        _log.Append(Entries(3, 2));
        _log.Sync();
        Reopen();
        Assert.Equal([1L, 1L, 2L], All().Select(e => e.Term));
    }

    [Fact]
    public void A_corrupt_entry_ends_the_log_where_it_starts()
    {
        _log.Append(Entries(1, 1, 1, 1));
        _log.Sync();
        var segment = LastSegment();
        var bytes = File.ReadAllBytes(segment);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        Reopen();
        Assert.Equal(2, _log.LastIndex);
    }

    [Fact]
    public void Damage_in_an_earlier_segment_ends_the_log_there_and_drops_the_later_segments()
    {
        for (var index = 1; index <= 40; index++)
        {
            _log.Append(Entries(index, 1));
        }

        _log.Sync();
        _log.Dispose();
        var segments = Directory.GetFiles(_directory, "*.log").Order().ToArray();
        Assert.True(segments.Length >= 3, $"expected several segments, found {segments.Length}");
        var second = segments[1];
        var bytes = File.ReadAllBytes(second);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(second, bytes);

        _log = new FileRaftLog(_directory, segmentBytes: 256);
        Assert.True(RaftSegmentBase(segments[2]) > _log.LastIndex, "the log must end inside the damaged segment");
        Assert.Equal(RaftSegmentBase(segments[2]) - 2, _log.LastIndex);
        Assert.Equal(2, Directory.GetFiles(_directory, "*.log").Length);
    }

    private static long RaftSegmentBase(string path) => long.Parse(Path.GetFileNameWithoutExtension(path), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Segments_roll_and_compaction_deletes_only_whole_segments()
    {
        for (var index = 1; index <= 40; index++)
        {
            _log.Append(Entries(index, 1));
        }

        _log.Sync();
        var before = Directory.GetFiles(_directory, "*.log").Length;
        Assert.True(before > 3, $"expected several segments of 256 bytes, found {before}");
        Assert.Equal(RaftStorageError.None, _log.Compact(SnapshotAt(30, 1)));
        var after = Directory.GetFiles(_directory, "*.log").Length;
        Assert.InRange(after, 1, before - 1);
        Reopen();
        Assert.Equal(31, _log.FirstIndex);
        Assert.Equal(40, _log.LastIndex);
        Assert.Equal(30, _log.Snapshot.Index);
    }

    [Fact]
    public void Truncation_and_the_entries_after_it_survive_a_reopen()
    {
        for (var index = 1; index <= 20; index++)
        {
            _log.Append(Entries(index, 1));
        }

        _log.TruncateSuffix(5);
        _log.Append(Entries(5, 2, 2));
        _log.Sync();
        Reopen();
        Assert.Equal(6, _log.LastIndex);
        Assert.Equal([1L, 1L, 1L, 1L, 2L, 2L], All().Select(e => e.Term));
    }

    [Fact]
    public void An_interrupted_snapshot_install_is_finished_on_open()
    {
        _log.Append(Entries(1, 1, 1, 1));
        _log.Sync();
        _log.Dispose();

        // The crash came after the install file was synced, before the old segments were deleted.
        File.WriteAllBytes(Path.Combine(_directory, "snapshot.install"), SnapshotFile.Encode(SnapshotAt(50, 7)));
        _log = new FileRaftLog(_directory, segmentBytes: 256);
        Assert.Equal(50, _log.Snapshot.Index);
        Assert.Equal(51, _log.FirstIndex);
        Assert.Equal(50, _log.LastIndex);
        Assert.Empty(Directory.GetFiles(_directory, "*.log"));
    }

    [Fact]
    public void A_torn_install_file_is_discarded_and_the_old_log_stands()
    {
        _log.Append(Entries(1, 1, 1, 1));
        _log.Sync();
        _log.Dispose();
        var encoded = SnapshotFile.Encode(SnapshotAt(50, 7));
        File.WriteAllBytes(Path.Combine(_directory, "snapshot.install"), encoded[..^3]);
        _log = new FileRaftLog(_directory, segmentBytes: 256);
        Assert.True(_log.Snapshot.IsEmpty);
        Assert.Equal(3, _log.LastIndex);
    }

    [Fact]
    public void An_applied_snapshot_survives_a_reopen_and_the_log_continues_after_it()
    {
        _log.Append(Entries(1, 1, 1));
        _log.ApplySnapshot(SnapshotAt(10, 3));
        _log.Append(Entries(11, 4));
        _log.Sync();
        Reopen();
        Assert.Equal(10, _log.Snapshot.Index);
        Assert.Equal(new byte[] { 42 }, _log.Snapshot.Data.ToArray());
        Assert.Equal(11, _log.LastIndex);
    }
}
