using Broker.Core.Errors;

namespace Broker.Storage.Tests;

public class PartitionLogTruncationRetentionTests
{
    [Fact]
    public void Truncate_cuts_at_the_batch_holding_the_offset_and_deletes_later_segments()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        for (var i = 0; i < 6; i++)
        {
            log.Append(TestBatches.Create(3));
            if (i % 2 == 1)
            {
                log.Roll();
            }
        }

        Assert.Equal([0L, 6, 12, 18], log.SegmentBaseOffsets);
        log.UpdateHighWatermark(18);
        log.TruncateTo(8);
        Assert.Equal(6, log.LogEndOffset);
        Assert.Equal(6, log.HighWatermark);
        Assert.Equal([0L, 6], log.SegmentBaseOffsets);
        Assert.False(File.Exists(LogFileNames.LogFile(dir.Path, 12)));
        Assert.Equal(0, new FileInfo(LogFileNames.LogFile(dir.Path, 6)).Length);
        log.Append(TestBatches.Create(1));
        Assert.Equal([(0L, 2L), (3L, 5L), (6L, 6L)], log.ReadAll(0).Select(b => (b.BaseOffset, b.LastOffset)));
    }

    [Fact]
    public void Truncate_inside_an_older_segment_makes_it_active_again()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { IndexIntervalBytes = 1 });
        for (var i = 0; i < 4; i++)
        {
            log.Append(TestBatches.Create(2));
        }

        log.Roll();
        log.Append(TestBatches.Create(2));
        log.TruncateTo(4);
        Assert.Equal(4, log.LogEndOffset);
        Assert.Equal([0L], log.SegmentBaseOffsets);
        for (var i = 0; i < 30; i++)
        {
            log.Append(TestBatches.Create(2, timestampMs: 5000 + i));
        }

        Assert.Equal(64, log.LogEndOffset);
        Assert.Equal(32, log.ReadAll(0).Count);
        Assert.Equal(new TimestampOffset(5010, 24), log.FindOffsetByTimestamp(5010));
    }

    [Fact]
    public void A_full_truncation_that_fails_half_way_takes_the_log_offline_instead_of_appending_to_the_old_files()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(3));
        log.Roll();
        log.Append(TestBatches.Create(3));
        // The new segment's file cannot be created: a directory has its name. The old segments are renamed by then.
        Directory.CreateDirectory(LogFileNames.LogFile(dir.Path, 100));

        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.TruncateFullyAndStartAt(100)).Code);

        Assert.Contains("truncating t-0 fully to 100", log.OfflineReason);
        // The append went to the old active segment, already renamed for deletion, as offset 100; then the segment's
        // deletion took it with it.
        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.Append(TestBatches.Create(1))).Code);
        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.Read(100, 4096)).Code);
        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.Flush()).Code);
        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.TruncateTo(0)).Code);
        var error = Assert.Throws<BrokerException>(() => log.FindOffsetByTimestamp(0));
        Assert.Contains("Restart the broker", error.Message);
    }

    [Fact]
    public void A_truncation_that_fails_half_way_takes_the_log_offline_and_a_reopen_recovers_the_files()
    {
        using var dir = new TempDirectory();
        var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(3));
        log.Roll();
        log.Append(TestBatches.Create(3));
        log.Append(TestBatches.Create(3));
        log.Roll();
        log.Append(TestBatches.Create(3));
        // The later segment cannot be renamed for deletion (a directory has the name), so the containing segment is
        // never cut, while the LEO has been lowered by then.
        var blocker = LogFileNames.LogFile(dir.Path, 9) + LogFileNames.DeletedSuffix;
        Directory.CreateDirectory(blocker);

        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.TruncateTo(4)).Code);
        Assert.Contains("truncating t-0 to 4", log.OfflineReason);
        // The log carried on with its LEO and its segments disagreeing: this append failed with "segments out of order".
        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.Append(TestBatches.Create(1))).Code);
        log.Close(); // no flush, no cut, no deletions: the files as the failure left them
        Directory.Delete(blocker);

        using var reopened = TestLogs.Open(dir.Path, clean: false);
        Assert.Null(reopened.OfflineReason);
        Assert.Equal(12, reopened.LogEndOffset); // nothing was cut: the truncation is asked for again (a follower's is)
        reopened.TruncateTo(4);
        reopened.Append(TestBatches.Create(1));
        Assert.Equal([(0L, 2L), (3L, 3L)], reopened.ReadAll(0).Select(b => (b.BaseOffset, b.LastOffset)));
    }

    [Fact]
    public void A_segment_that_retention_cannot_rename_is_still_deleted_with_the_others()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(1_000_000);
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { RetentionMs = 1000, FileDeleteDelayMs = 500 }, time);
        log.Append(TestBatches.Create(2, timestampMs: 990_000));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: 990_000));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: 1_000_000));
        // The first segment's log cannot be renamed to *.deleted: a directory has that name.
        var blocker = LogFileNames.LogFile(dir.Path, 0) + LogFileNames.DeletedSuffix;
        Directory.CreateDirectory(blocker);

        Assert.Equal(ErrorCode.StorageError, Assert.Throws<BrokerException>(() => log.DeleteOldSegments()).Code);
        Assert.Equal([4L], log.SegmentBaseOffsets); // both old segments left the log, the second renamed all the same
        Assert.Equal(4, log.LogStartOffset);
        Assert.True(File.Exists(LogFileNames.LogFile(dir.Path, 2) + LogFileNames.DeletedSuffix));

        time.Advance(500);
        Assert.Equal(2, log.DeleteExpiredSegmentFiles());
        Assert.False(File.Exists(LogFileNames.LogFile(dir.Path, 0))); // deleted under the name it kept
        Assert.False(File.Exists(LogFileNames.IndexFile(dir.Path, 0)));
        Assert.False(File.Exists(LogFileNames.LogFile(dir.Path, 2) + LogFileNames.DeletedSuffix));
        Assert.Equal(6, log.Append(TestBatches.Create(1)).BaseOffset); // and the log carries on
    }

    [Fact]
    public void A_crash_before_the_unrenamed_segment_is_deleted_brings_it_back_and_retention_removes_it_again()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(1_000_000);
        var config = TestLogs.Small with { RetentionMs = 1000, FileDeleteDelayMs = 500 };
        var log = TestLogs.Open(dir.Path, config, time);
        log.Append(TestBatches.Create(2, timestampMs: 990_000));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: 1_000_000));
        var blocker = LogFileNames.LogFile(dir.Path, 0) + LogFileNames.DeletedSuffix;
        Directory.CreateDirectory(blocker);
        Assert.Throws<BrokerException>(() => log.DeleteOldSegments());
        log.Abandon(); // the crash, before the delay passed
        Directory.Delete(blocker);

        using var reopened = TestLogs.Open(dir.Path, config, time, clean: false);
        Assert.Equal(1, reopened.DeleteOldSegments());
        Assert.Equal([2L], reopened.SegmentBaseOffsets);
        Assert.Equal(2, reopened.LogStartOffset);
        Assert.Equal(4, reopened.LogEndOffset);
    }

    [Fact]
    public void Closing_for_deletion_flushes_nothing_and_writes_no_snapshot()
    {
        using var dir = new TempDirectory();
        var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(3));
        log.CloseForDeletion();
        Assert.Equal(0, log.FlushedOffset);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.snapshot"));
        Assert.Throws<ObjectDisposedException>(() => log.Append(TestBatches.Create(1)));
        Assert.Throws<ObjectDisposedException>(log.Flush); // its files are closed: no fsync of a closed handle

        // A plain close does both: the flush and the snapshot at the log end.
        using var other = new TempDirectory();
        var closed = TestLogs.Open(other.Path);
        closed.Append(TestBatches.Create(3));
        closed.Close();
        Assert.Equal(3, closed.FlushedOffset);
        Assert.True(File.Exists(LogFileNames.ProducerSnapshotPath(other.Path, 3)));
    }

    [Fact]
    public void Truncate_fully_starts_an_empty_log_at_the_offset()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(5), leaderEpoch: 3);
        log.TruncateFullyAndStartAt(100);
        Assert.Equal((100L, 100L, 100L), (log.LogStartOffset, log.LogEndOffset, log.HighWatermark));
        Assert.Equal([100L], log.SegmentBaseOffsets);
        Assert.Empty(log.LeaderEpochs.Entries);
        Assert.Equal(100, log.Append(TestBatches.Create(1)).BaseOffset);
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.Read(5, 100)).Code);
    }

    [Fact]
    public void Time_retention_deletes_old_segments_but_never_the_active_one()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(1_000_000);
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { RetentionMs = 1000, FileDeleteDelayMs = 500 }, time);
        log.Append(TestBatches.Create(2, timestampMs: 998_000));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: 999_500));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: 990_000));
        Assert.Equal(1, log.DeleteOldSegments());
        Assert.Equal(2, log.LogStartOffset);
        Assert.Equal([2L, 4], log.SegmentBaseOffsets);
        Assert.True(File.Exists(LogFileNames.LogFile(dir.Path, 0) + ".deleted"));
        time.Advance(500);
        Assert.Equal(1, log.DeleteExpiredSegmentFiles());
        Assert.False(File.Exists(LogFileNames.LogFile(dir.Path, 0) + ".deleted"));
        time.Advance(10_000);
        Assert.Equal(1, log.DeleteOldSegments()); // the active segment (also expired) stays
        Assert.Equal([4L], log.SegmentBaseOffsets);
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.Read(3, 100)).Code);
    }

    [Fact]
    public void Size_retention_keeps_the_newest_segments_within_the_limit()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var batch = TestBatches.Create(1, 100);
        for (var i = 0; i < 5; i++)
        {
            log.Append(batch);
            log.Roll();
        }

        log.UpdateConfig(log.Config with { RetentionBytes = 2 * batch.Length });
        Assert.Equal(3, log.DeleteOldSegments());
        Assert.Equal([3L, 4, 5], log.SegmentBaseOffsets);
        Assert.Equal(3, log.LogStartOffset);
    }

    [Fact]
    public void A_read_taken_before_retention_stays_readable_until_the_delete_delay()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { FileDeleteDelayMs = 60_000 }, time);
        var original = log.Append(TestBatches.Create(4));
        log.Roll();
        log.Append(TestBatches.Create(1));
        var read = log.Read(0, 1 << 20);
        log.UpdateHighWatermark(5);
        log.DeleteRecordsBefore(4);
        Assert.Equal([4L], log.SegmentBaseOffsets);
        Assert.Equal(original.LastOffset, read.Bytes().Batches().Single().LastOffset);
    }

    [Fact]
    public void A_truncation_that_replaces_read_bytes_is_detected()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(2));
        log.Append(TestBatches.Create(2, fill: 0x41));
        var read = log.Read(2, 1 << 20);
        log.TruncateTo(2);
        log.Append(TestBatches.Create(2, fill: 0x42));
        Assert.False(read.IsValid);
        Assert.False(read.TryCopyTo(new byte[read.Length]));
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => read.CopyTo(new byte[read.Length])).Code);
    }

    [Fact]
    public void Delete_records_before_advances_the_start_up_to_the_high_watermark()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(5));
        log.Roll();
        log.Append(TestBatches.Create(5));
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.DeleteRecordsBefore(3)).Code);
        log.UpdateHighWatermark(10);
        Assert.Equal(3, log.DeleteRecordsBefore(3));
        Assert.Equal(2, log.SegmentCount);
        Assert.Equal(0, log.Read(3, 100).FirstOffset); // the batch holding the start offset
        Assert.Equal(7, log.DeleteRecordsBefore(7));
        Assert.Equal([5L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void Flush_advances_the_flushed_offset()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { FlushIntervalMs = 100 }, time);
        log.Append(TestBatches.Create(3));
        Assert.Equal(0, log.FlushedOffset);
        Assert.False(log.FlushIfDue());
        time.Advance(100);
        Assert.True(log.FlushIfDue());
        Assert.Equal(3, log.FlushedOffset);
        log.TruncateTo(0);
        Assert.Equal(0, log.FlushedOffset);
    }

    [Fact]
    public async Task Flush_always_acknowledges_after_a_shared_fsync()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { Flush = FlushPolicy.Always, SegmentBytes = 1 << 20 });
        var appends = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            var result = await log.AppendAsLeaderAsync(TestBatches.Create(1), 0);
            Assert.True(log.FlushedOffset >= result.NextOffset);
            return result;
        })).ToArray();
        var results = await Task.WhenAll(appends);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (long)i), results.Select(r => r.BaseOffset).Order());
        Assert.Equal(32, log.FlushedOffset);
        await log.FlushAsync(32); // already durable: completes at once
    }
}
