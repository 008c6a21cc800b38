namespace Broker.Storage.Tests;

public class OffsetIndexTests
{
    [Fact]
    public void Lookup_returns_the_largest_entry_at_or_below_the_offset()
    {
        using var dir = new TempDirectory();
        using var index = new OffsetIndex(dir.Combine("a.index"), 100);
        index.Open(1024);
        index.Append(110, 400);
        index.Append(120, 800);
        index.Append(135, 1200);
        Assert.Equal(new OffsetPosition(100, 0), index.Lookup(105));
        Assert.Equal(new OffsetPosition(110, 400), index.Lookup(110));
        Assert.Equal(new OffsetPosition(120, 800), index.Lookup(134));
        Assert.Equal(new OffsetPosition(135, 1200), index.Lookup(long.MaxValue));
    }

    [Fact]
    public void Truncation_drops_entries_at_and_after_the_offset()
    {
        using var dir = new TempDirectory();
        using var index = new OffsetIndex(dir.Combine("a.index"), 0);
        index.Open(1024);
        index.Append(10, 100);
        index.Append(20, 200);
        index.Append(30, 300);
        index.TruncateTo(20);
        Assert.Equal(1, index.Entries);
        Assert.Equal(new OffsetPosition(10, 100), index.LastEntry);
    }

    [Fact]
    public void Becomes_full_at_its_byte_limit()
    {
        using var dir = new TempDirectory();
        using var index = new OffsetIndex(dir.Combine("a.index"), 0);
        index.Open(3 * OffsetIndex.EntryBytes + 5);
        index.Append(1, 10);
        index.Append(2, 20);
        Assert.False(index.IsFull);
        index.Append(3, 30);
        Assert.True(index.IsFull);
    }

    [Fact]
    public void Close_trims_the_file_and_reopen_counts_the_entries()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.index");
        using (var index = new OffsetIndex(path, 0))
        {
            index.Open(1 << 20);
            Assert.Equal(1 << 20, new FileInfo(path).Length);
            index.Append(5, 50);
            index.Append(9, 90);
        }

        Assert.Equal(2 * OffsetIndex.EntryBytes, new FileInfo(path).Length);
        using var reopened = new OffsetIndex(path, 0);
        reopened.Open(0);
        Assert.Equal(2, reopened.Entries);
        Assert.True(reopened.IsSane(100));
        Assert.False(reopened.IsSane(90)); // a position past the log's end
        Assert.Equal(new OffsetPosition(9, 90), reopened.Lookup(100));
    }

    [Fact]
    public void Sanity_check_rejects_torn_and_unordered_files()
    {
        using var dir = new TempDirectory();
        var torn = dir.Combine("torn.index");
        File.WriteAllBytes(torn, new byte[13]);
        using (var index = new OffsetIndex(torn, 0))
        {
            index.Open(0);
            Assert.False(index.IsSane(1000));
        }

        var unordered = dir.Combine("unordered.index");
        File.WriteAllBytes(unordered, [0, 0, 0, 5, 0, 0, 0, 50, 0, 0, 0, 4, 0, 0, 0, 60]);
        using var bad = new OffsetIndex(unordered, 0);
        bad.Open(0);
        Assert.False(bad.IsSane(1000));
    }

    [Fact]
    public void Growing_a_trimmed_index_keeps_its_entries()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.index");
        using (var index = new OffsetIndex(path, 0))
        {
            index.Open(64);
            index.Append(1, 10);
        }

        using var reopened = new OffsetIndex(path, 0);
        reopened.Open(0);
        reopened.Grow(1024);
        reopened.Append(2, 20);
        Assert.Equal(new OffsetPosition(1, 10), reopened.Lookup(1));
        Assert.Equal(new OffsetPosition(2, 20), reopened.Lookup(2));
    }

    /// <summary>A reader that counted the entries before a truncation may still touch the cut slots; shrinking the
    /// file under it would make those pages fault (SIGBUS). The shrink waits for it, and only for it: a reader that
    /// enters afterwards sees the new count and does not hold the shrink back.</summary>
    [Fact]
    public async Task Trim_after_a_truncation_waits_for_readers_that_entered_before_it()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.index");
        using var index = new OffsetIndex(path, 0);
        index.Open(1 << 16);
        for (var i = 1; i <= 2000; i++)
        {
            index.Append(i, i * 10); // 16,000 bytes: four pages
        }

        Assert.True(index.EnterRead(out var early));
        int? late = null;
        var earlyInside = true;
        try
        {
            Assert.Equal(2000, index.Entries); // what the early reader searches
            index.TruncateTo(3);
            var trim = Task.Run(index.Trim);
            await Task.Delay(300);
            Assert.False(trim.IsCompleted, "the file shrank under a reader that may read entry 2000");
            Assert.Equal(1 << 16, new FileInfo(path).Length);

            Assert.True(index.EnterRead(out var lateEpoch));
            late = lateEpoch;
            Assert.NotEqual(early, lateEpoch);
            Assert.Equal(2, index.Entries);
            index.ExitRead(early);
            earlyInside = false;
            await trim.WaitAsync(TimeSpan.FromSeconds(10)); // the late reader, still inside, does not hold it back
            Assert.Equal(2 * OffsetIndex.EntryBytes, new FileInfo(path).Length);
            Assert.Equal(new OffsetPosition(2, 20), index.Lookup(1000));
        }
        finally
        {
            // Close waits for every reader: leave, or a failed assertion would hang the test.
            if (earlyInside)
            {
                index.ExitRead(early);
            }

            if (late is { } epoch)
            {
                index.ExitRead(epoch);
            }
        }
    }
}

public class TimeIndexTests
{
    [Fact]
    public void Appends_only_growing_timestamps_and_looks_up_strictly_before()
    {
        using var dir = new TempDirectory();
        using var index = new TimeIndex(dir.Combine("a.timeindex"), 0);
        index.Open(1024);
        index.MaybeAppend(100, 0);
        index.MaybeAppend(100, 5); // not larger: skipped
        index.MaybeAppend(200, 10);
        index.MaybeAppend(150, 12); // smaller: skipped
        index.MaybeAppend(300, 20);
        Assert.Equal(3, index.Entries);
        Assert.Equal(new TimestampOffset(TimeIndex.NoTimestamp, 0), index.LookupBefore(100));
        Assert.Equal(new TimestampOffset(100, 0), index.LookupBefore(101));
        Assert.Equal(new TimestampOffset(200, 10), index.LookupBefore(300));
        Assert.Equal(new TimestampOffset(300, 20), index.LastEntry);
        Assert.True(index.IsSane());
    }

    [Fact]
    public void Keeps_one_slot_for_the_closing_entry()
    {
        using var dir = new TempDirectory();
        using var index = new TimeIndex(dir.Combine("a.timeindex"), 0);
        index.Open(3 * TimeIndex.EntryBytes);
        index.MaybeAppend(1, 1);
        index.MaybeAppend(2, 2);
        Assert.True(index.IsFull);
        index.MaybeAppend(3, 3);
        Assert.Equal(2, index.Entries);
        index.MaybeAppend(3, 3, closing: true);
        Assert.Equal(new TimestampOffset(3, 3), index.LastEntry);
    }

    [Fact]
    public void Truncation_drops_entries_for_removed_offsets()
    {
        using var dir = new TempDirectory();
        using var index = new TimeIndex(dir.Combine("a.timeindex"), 0);
        index.Open(1024);
        index.MaybeAppend(10, 1);
        index.MaybeAppend(20, 5);
        index.MaybeAppend(30, 9);
        index.TruncateTo(5);
        Assert.Equal(new TimestampOffset(10, 1), index.LastEntry);
    }
}
