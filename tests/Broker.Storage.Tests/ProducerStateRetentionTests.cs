using Broker.Core.Compression;
using Broker.Core.Errors;

namespace Broker.Storage.Tests;

/// <summary>The producers' state when data leaves the log: truncation, retention (and expiration), compaction.</summary>
public class ProducerStateRetentionTests
{
    private const long Producer = 21;
    private const long NowMs = 1_700_000_000_000;

    [Fact]
    public void Truncation_forgets_the_appends_it_removed_so_their_retries_are_appended_again()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var batches = Enumerable.Range(0, 4).Select(i => TestBatches.Idempotent(Producer, 0, i * 2)).ToList();
        foreach (var batch in batches.Take(2))
        {
            log.Append(batch);
        }

        log.Roll(); // a snapshot at 4 that the truncation below keeps
        foreach (var batch in batches.Skip(2))
        {
            log.Append(batch);
        }

        log.TruncateTo(6);

        Assert.Equal(6, log.LogEndOffset);
        Assert.True(log.Append(batches[2]).IsDuplicate);
        var reappended = log.Append(batches[3]);
        Assert.Equal((6L, false), (reappended.BaseOffset, reappended.IsDuplicate));
        Assert.True(log.Append(batches[3]).IsDuplicate);
    }

    [Fact]
    public void Truncation_below_a_snapshot_deletes_it_and_rebuilds_from_an_older_one()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        for (var i = 0; i < 3; i++)
        {
            log.Append(TestBatches.Idempotent(Producer, 0, i * 2));
            log.Roll();
        }

        log.TruncateTo(3);

        Assert.Equal(2, log.LogEndOffset); // the batch holding offset 3 goes whole
        Assert.False(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 4)));
        Assert.False(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 6)));
        Assert.Equal(2, log.ProducerStates.Get(Producer)!.NextSequence);
        Assert.Equal(2, log.Append(TestBatches.Idempotent(Producer, 0, 2)).BaseOffset);
    }

    [Fact]
    public void Appends_after_a_truncation_whose_rebuild_failed_wait_for_a_rebuild_instead_of_trusting_the_old_state()
    {
        using var dir = new TempDirectory();
        var (log, batches) = OpenWithUnreadableFirstSegment(dir.Path);
        using (log)
        {
            var error = Assert.Throws<BrokerException>(() => log.TruncateTo(5));

            Assert.Equal(ErrorCode.StorageError, error.Code);
            Assert.Equal(5, log.LogEndOffset); // the data went; only the producers' state could not follow
            // The old state would answer this retry of the truncated batch as a duplicate, at an offset the log no
            // longer has: the record would be lost. While the state cannot be rebuilt, the append fails instead.
            var appendError = Assert.Throws<BrokerException>(() => log.Append(batches[5]));
            Assert.Equal(ErrorCode.StorageError, appendError.Code);
            Assert.All([error, appendError], e => Assert.Contains("rebuilding the producer state", e.Message, StringComparison.Ordinal));
            Assert.Equal(0, log.RemoveExpiredProducers()); // the maintenance tick goes on (its flush comes next)
            Assert.Equal(0, log.DirtyRatio(log.LogEndOffset)); // but cleans nothing: it cannot tell which batches to keep

            Directory.Delete(LogFileNames.IndexFile(dir.Path, 0)); // the disk reads again
            var retried = log.Append(batches[5]);
            Assert.Equal((5L, false), (retried.BaseOffset, retried.IsDuplicate));
            Assert.True(log.Append(batches[4]).IsDuplicate);
            Assert.True(log.DirtyRatio(log.LogEndOffset) > 0);
        }
    }

    [Fact]
    public void A_log_closed_after_a_failed_rebuild_does_not_snapshot_the_stale_state()
    {
        using var dir = new TempDirectory();
        var (log, batches) = OpenWithUnreadableFirstSegment(dir.Path);
        Assert.Throws<BrokerException>(() => log.TruncateTo(5));
        log.Close();
        Directory.Delete(LogFileNames.IndexFile(dir.Path, 0));

        using var reopened = TestLogs.Open(dir.Path);
        var retried = reopened.Append(batches[5]);
        Assert.Equal((5L, false), (retried.BaseOffset, retried.IsDuplicate));
    }

    /// <summary>A producer whose newest batch lies below the log start (DeleteRecords moved it into a segment) is
    /// still known until it expires; a rebuild from an older snapshot must replay that batch, which is still on disk,
    /// or it would take the producer's retry as new (written twice) and its next batch as out of order.</summary>
    [Fact]
    public void A_rebuild_from_a_snapshot_below_the_log_start_replays_the_batches_still_on_disk()
    {
        const long other = Producer + 1;
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, time: new ManualTimeProvider(NowMs));
        log.Append(TestBatches.Idempotent(Producer, 0, 0, timestampMs: NowMs)); // offsets 0-1
        log.Roll(); // the snapshot at 2
        var newest = TestBatches.Idempotent(Producer, 0, 2, timestampMs: NowMs);
        log.Append(newest); // offsets 2-3
        log.Append(TestBatches.Idempotent(other, 0, 0, timestampMs: NowMs)); // offsets 4-5
        log.UpdateHighWatermark(6);
        Assert.Equal(4, log.DeleteRecordsBefore(4));
        Assert.True(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 2)));
        log.Append(TestBatches.Idempotent(other, 0, 2, timestampMs: NowMs)); // offsets 6-7

        log.TruncateTo(6); // rebuilds from the snapshot at 2, below the log start

        Assert.Equal(4, log.ProducerStates.Get(Producer)!.NextSequence);
        Assert.True(log.Append(newest).IsDuplicate);
        var next = log.Append(TestBatches.Idempotent(Producer, 0, 4, timestampMs: NowMs));
        Assert.Equal((6L, false), (next.BaseOffset, next.IsDuplicate));
    }

    [Fact]
    public void A_full_truncation_forgets_every_producer()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Idempotent(Producer, 0, 0));
        log.Roll();

        log.TruncateFullyAndStartAt(100);

        Assert.Equal(0, log.ProducerCount);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.snapshot"));
        Assert.Equal(ErrorCode.UnknownProducerId, Assert.Throws<BrokerException>(() => log.Append(TestBatches.Idempotent(Producer, 0, 2))).Code);
    }

    [Fact]
    public void Retention_keeps_a_producer_until_it_is_idle_for_the_expiration_and_then_forgets_it()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(NowMs);
        var config = TestLogs.Small with { ProducerIdExpirationMs = 60_000 };
        using var log = TestLogs.Open(dir.Path, config, time);
        var last = TestBatches.Idempotent(Producer, 0, 0, timestampMs: NowMs);
        log.Append(last);
        log.Roll();
        log.Append(TestBatches.Create(1, timestampMs: NowMs)); // another writer keeps the log going
        log.UpdateHighWatermark(log.LogEndOffset);

        log.DeleteRecordsBefore(2);
        Assert.Equal(2, log.LogStartOffset);
        Assert.Equal(0, log.RemoveExpiredProducers()); // its batches are gone, but it was active a moment ago
        Assert.True(log.Append(last).IsDuplicate);

        time.Advance(60_000);
        Assert.Equal(1, log.RemoveExpiredProducers());
        Assert.Equal(ErrorCode.UnknownProducerId, Assert.Throws<BrokerException>(() => log.Append(TestBatches.Idempotent(Producer, 0, 2))).Code);
    }

    [Fact]
    public void An_idle_producer_is_forgotten_after_the_expiration_even_with_its_batch_in_a_compacted_log()
    {
        // A compacted log's start never passes the producer's last batch: were that a reason to keep it, every producer
        // id a client ever took (a new one at each start) would stay in the table and its batch in the log.
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(NowMs);
        var config = Keyed.Config with { ProducerIdExpirationMs = 1_000 };
        using (var log = TestLogs.Open(dir.Path, config, time))
        {
            log.Append(TestBatches.WithProducer(Keyed.Batch(NowMs, CompressionType.None, ("a", "1")), Producer, 0, 0)); // 0
            log.Append(Keyed.Batch(NowMs, CompressionType.None, ("a", "2")));                                   // 1: supersedes it
            log.Roll();

            Assert.Equal(0, log.RemoveExpiredProducers()); // idle for less than the expiration
            time.Advance(1_000);
            Assert.Equal(1, log.RemoveExpiredProducers());
            Assert.Equal(0, log.LogStartOffset);
            var next = TestBatches.WithProducer(Keyed.Batch(NowMs, CompressionType.None, ("b", "1")), Producer, 0, 1);
            Assert.Equal(ErrorCode.UnknownProducerId, Assert.Throws<BrokerException>(() => log.Append(next)).Code);

            log.Compact(log.LogEndOffset);
            Assert.Equal([(1L, 1L)], log.ReadAll(0).Select(b => (b.BaseOffset, b.LastOffset))); // its last batch could go
        }

        // Rebuilt from the log and the clock, the table does not bring it back.
        foreach (var snapshot in Directory.GetFiles(dir.Path, "*.snapshot"))
        {
            File.Delete(snapshot);
        }

        using var reopened = TestLogs.Open(dir.Path, config, time);
        Assert.Null(reopened.ProducerStates.Get(Producer));
    }

    [Fact]
    public void Retention_deletes_the_snapshots_below_the_log_start_but_the_newest()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        for (var i = 0; i < 4; i++)
        {
            log.Append(TestBatches.Idempotent(Producer, 0, i * 2));
            log.Roll();
        }

        log.UpdateHighWatermark(log.LogEndOffset);
        log.DeleteRecordsBefore(6);

        Assert.Equal(["00000000000000000006.snapshot", "00000000000000000008.snapshot"],
            Directory.GetFiles(dir.Path, "*.snapshot").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_compacted_log_keeps_the_snapshots_of_its_last_two_segments_however_often_it_rolls()
    {
        // Compaction never moves the log start, so the retention rule above never deletes a snapshot of such a log.
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(NowMs);
        using (var log = TestLogs.Open(dir.Path, Keyed.Config, time))
        {
            for (var i = 0; i < 20; i++)
            {
                log.Append(TestBatches.WithProducer(Keyed.Batch(NowMs, CompressionType.None, ("k", $"{i}")), Producer, 0, i)); // offset i
                log.Flush(); // the background flusher: the recovery point follows the log end
                log.Roll(); // a snapshot at i + 1
                log.UpdateHighWatermark(log.LogEndOffset);
                log.Compact(log.LogEndOffset);
            }

            Assert.Equal([19L, 20L], SnapshotOffsets(dir.Path));
        }

        using var reopened = TestLogs.Open(dir.Path, Keyed.Config, time);
        Assert.True(reopened.Append(TestBatches.WithProducer(Keyed.Batch(NowMs, CompressionType.None, ("k", "19")), Producer, 0, 19)).IsDuplicate);
    }

    [Fact]
    public void A_roll_keeps_every_snapshot_a_crash_recovery_may_start_from()
    {
        using var dir = new TempDirectory();
        var log = TestLogs.Open(dir.Path);
        for (var i = 0; i < 6; i++)
        {
            log.Append(TestBatches.Idempotent(Producer, 0, i, recordCount: 1)); // offset i
            if (i == 2)
            {
                log.Flush(); // the recovery point: 3
            }

            log.Roll(); // a snapshot at i + 1
        }

        // A crash loses at most what lies above the recovery point: recovery starts from the newest snapshot at or
        // below the recovered end, which is at least 3. The older ones are never read again.
        Assert.Equal([3L, 4L, 5L, 6L], SnapshotOffsets(dir.Path));
        log.Abandon();
        foreach (var baseOffset in new long[] { 3, 4, 5, 6 })
        {
            File.Delete(LogFileNames.LogFile(dir.Path, baseOffset)); // never flushed: lost with the power
        }

        using var reopened = TestLogs.Open(dir.Path, clean: false, recoveryPoint: 3);
        Assert.Equal(3, reopened.LogEndOffset);
        Assert.False(reopened.Segments[0].OffsetIndex.IsOpen); // the snapshot at 3 was read, no segment scanned
        Assert.True(reopened.Append(TestBatches.Idempotent(Producer, 0, 2, recordCount: 1)).IsDuplicate);
        Assert.Equal(3, reopened.Append(TestBatches.Idempotent(Producer, 0, 3, recordCount: 1)).BaseOffset);
    }

    [Fact]
    public void Compaction_keeps_each_producers_last_batch_even_when_every_record_in_it_is_superseded()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(1_000); // the batches' timestamps: the producer is not idle
        using (var log = TestLogs.Open(dir.Path, Keyed.Config, time))
        {
            log.Append(TestBatches.WithProducer(Keyed.Batch(("a", "1"), ("b", "1")), Producer, 0, 0));     // 0-1
            var last = TestBatches.WithProducer(Keyed.Batch(("a", "2")), Producer, 0, 2);                   // 2: its producer's last
            log.Append(last);
            log.Append(Keyed.Batch(("a", "3"), ("b", "3")));                                                 // 3-4: another writer
            log.Roll();

            log.Compact(log.LogEndOffset);

            var batches = log.ReadAll(0);
            Assert.Equal([(2L, 2L), (3L, 4L)], batches.Select(b => (b.BaseOffset, b.LastOffset)));
            Assert.Equal(0, Broker.Core.Records.RecordBatchHeader.Read(batches[0].Bytes).RecordCount);
            Assert.True(log.Append(last).IsDuplicate);
        }

        foreach (var snapshot in Directory.GetFiles(dir.Path, "*.snapshot"))
        {
            File.Delete(snapshot);
        }

        // Rebuilt from the log alone, the producer's sequence is still known from the empty batch.
        using var reopened = TestLogs.Open(dir.Path, Keyed.Config, time);
        Assert.Equal(3, reopened.ProducerStates.Get(Producer)!.NextSequence);
        Assert.Equal(5, reopened.Append(TestBatches.WithProducer(Keyed.Batch(("c", "1")), Producer, 0, 3)).BaseOffset);
    }

    private static List<long> SnapshotOffsets(string directory) =>
        [.. Directory.GetFiles(directory, "*" + LogFileNames.ProducerSnapshotSuffix)
            .Select(path => long.Parse(Path.GetFileNameWithoutExtension(path), System.Globalization.CultureInfo.InvariantCulture))
            .Order()];

    /// <summary>A log of one producer's batches at offsets 0-5 (sequence = offset) in segments 0, 2 and 4, reopened
    /// after a clean close (its state read from the snapshot at the log end, so segment 0 was not read) without
    /// snapshots left, and with segment 0's index unreadable (a directory in its place): a rebuild of the state must
    /// scan segment 0 and fails with an I/O error, as on a failing disk.</summary>
    private static (PartitionLog Log, List<byte[]> Batches) OpenWithUnreadableFirstSegment(string directory)
    {
        var batches = Enumerable.Range(0, 6).Select(i => TestBatches.Idempotent(Producer, 0, i, recordCount: 1)).ToList();
        using (var log = TestLogs.Open(directory))
        {
            for (var i = 0; i < batches.Count; i++)
            {
                log.Append(batches[i]);
                if (i is 1 or 3)
                {
                    log.Roll();
                }
            }
        }

        var reopened = TestLogs.Open(directory);
        foreach (var snapshot in Directory.GetFiles(directory, "*" + LogFileNames.ProducerSnapshotSuffix))
        {
            File.Delete(snapshot);
        }

        File.Delete(LogFileNames.IndexFile(directory, 0));
        Directory.CreateDirectory(LogFileNames.IndexFile(directory, 0));
        return (reopened, batches);
    }
}
