using Broker.Core.Errors;

namespace Broker.Storage.Tests;

/// <summary>
/// The producers' state survives restarts and crashes: a clean close leaves a snapshot at the log end (nothing is
/// scanned), a crash leaves the snapshot of the last roll plus a tail to scan, and a directory without snapshots is
/// rebuilt from the batch headers alone.
/// </summary>
public class ProducerStateRecoveryTests
{
    private const long Producer = 9;

    [Fact]
    public void A_clean_restart_reads_the_snapshot_at_the_log_end_and_scans_nothing()
    {
        using var dir = new TempDirectory();
        var batches = WriteSegments(dir.Path, segments: 4, clean: true);

        Assert.True(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 8)));
        using var reopened = TestLogs.Open(dir.Path);
        Assert.False(reopened.Segments[0].OffsetIndex.IsOpen); // no scan touched the old segments
        AssertRemembersTheLastAppends(reopened, batches);
    }

    [Fact]
    public void A_restart_without_snapshots_rebuilds_the_state_from_the_batch_headers()
    {
        using var dir = new TempDirectory();
        var batches = WriteSegments(dir.Path, segments: 4, clean: true);
        foreach (var snapshot in Directory.GetFiles(dir.Path, "*.snapshot"))
        {
            File.Delete(snapshot);
        }

        using var reopened = TestLogs.Open(dir.Path);
        AssertRemembersTheLastAppends(reopened, batches);
    }

    [Fact]
    public void A_multi_batch_request_retried_after_a_rebuild_from_the_log_is_still_one_duplicate()
    {
        using var dir = new TempDirectory();
        var request = TestBatches.Concat(TestBatches.Idempotent(Producer, 0, 0, 2), TestBatches.Idempotent(Producer, 0, 2, 3), TestBatches.Idempotent(Producer, 0, 5, 1));
        var log = TestLogs.Open(dir.Path);
        log.Append(request);
        log.Abandon();

        using var reopened = TestLogs.Open(dir.Path, clean: false);
        var retry = reopened.Append(request);

        Assert.Equal((0L, 5L, true), (retry.BaseOffset, retry.LastOffset, retry.IsDuplicate));
        Assert.Equal(6, reopened.LogEndOffset);
    }

    [Fact]
    public void After_a_crash_the_roll_snapshot_and_the_tail_after_it_give_the_state()
    {
        using var dir = new TempDirectory();
        var batches = WriteSegments(dir.Path, segments: 3, clean: false);

        Assert.False(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 6)));
        Assert.True(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 4)));
        using var reopened = TestLogs.Open(dir.Path, clean: false);
        AssertRemembersTheLastAppends(reopened, batches);
    }

    [Fact]
    public void A_batch_torn_by_a_crash_is_not_remembered_and_its_retry_is_appended()
    {
        using var dir = new TempDirectory();
        var first = TestBatches.Idempotent(Producer, 0, 0, 2);
        var torn = TestBatches.Idempotent(Producer, 0, 2, 2, valueBytes: 100);
        var log = TestLogs.Open(dir.Path);
        log.Append(first);
        log.Append(torn);
        log.Abandon();
        var path = LogFileNames.LogFile(dir.Path, 0);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 30)]);

        using var reopened = TestLogs.Open(dir.Path, clean: false);
        Assert.Equal(2, reopened.LogEndOffset);
        Assert.True(reopened.Append(first).IsDuplicate);
        var retried = reopened.Append(torn);
        Assert.Equal((2L, false), (retried.BaseOffset, retried.IsDuplicate));
        Assert.True(reopened.Append(torn).IsDuplicate);
    }

    [Fact]
    public void Snapshots_beyond_the_recovered_end_are_deleted_and_not_believed()
    {
        using var dir = new TempDirectory();
        var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Idempotent(Producer, 0, 0, 2));
        log.Roll(); // snapshot at 2
        log.Append(TestBatches.Idempotent(Producer, 0, 2, 2));
        log.Roll(); // snapshot at 4, describing a batch the crash will take
        log.Abandon();
        // Power lost before the second segment's data reached the disk: its file is empty, the next one gone.
        File.WriteAllBytes(LogFileNames.LogFile(dir.Path, 2), []);
        File.Delete(LogFileNames.LogFile(dir.Path, 4));

        using var reopened = TestLogs.Open(dir.Path, clean: false);
        Assert.Equal(2, reopened.LogEndOffset);
        Assert.False(File.Exists(LogFileNames.ProducerSnapshotPath(dir.Path, 4)));
        Assert.Equal(2, reopened.ProducerStates.Get(Producer)!.NextSequence);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("torn")]
    [InlineData("empty")]
    public void A_damaged_snapshot_is_deleted_and_the_state_rebuilt_from_an_older_one_or_the_log(string damage)
    {
        using var dir = new TempDirectory();
        var batches = WriteSegments(dir.Path, segments: 3, clean: true);
        var newest = LogFileNames.ProducerSnapshotPath(dir.Path, 6);
        var bytes = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, damage switch
        {
            "garbage" => [.. bytes.Select((b, i) => i == bytes.Length - 3 ? (byte)(b ^ 0x40) : b)],
            "torn" => bytes[..^5],
            _ => [],
        });

        using var reopened = TestLogs.Open(dir.Path);
        Assert.False(File.Exists(newest));
        AssertRemembersTheLastAppends(reopened, batches);
    }

    [Fact]
    public void A_snapshot_that_cannot_be_read_does_not_keep_the_partition_from_opening()
    {
        // Reading fails with an IOException: the file is over 2 GiB (sparse, so it costs no disk).
        using var dir = new TempDirectory();
        var batches = WriteSegments(dir.Path, segments: 3, clean: true);
        var newest = LogFileNames.ProducerSnapshotPath(dir.Path, 6);
        using (var file = new FileStream(newest, FileMode.Truncate))
        {
            file.SetLength(3L << 30);
        }

        using var reopened = TestLogs.Open(dir.Path);
        AssertRemembersTheLastAppends(reopened, batches);
    }

    [Fact]
    public void A_log_manager_restart_keeps_producers_of_every_partition()
    {
        using var dir = new TempDirectory();
        var partition = new Broker.Core.TopicPartition("orders", 3);
        var batch = TestBatches.Idempotent(Producer, 0, 0);
        using (var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider()))
        {
            manager.GetOrCreateLog(partition, TestLogs.Small).Append(batch);
        }

        using var reopened = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        Assert.True(reopened.GetLog(partition)!.Append(batch).IsDuplicate);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber,
            Assert.Throws<BrokerException>(() => reopened.GetLog(partition)!.Append(TestBatches.Idempotent(Producer, 0, 5))).Code);
    }

    /// <summary>Two appends of 1 record per segment; returns every batch, in order (sequence i*1 at offset i).</summary>
    private static List<byte[]> WriteSegments(string directory, int segments, bool clean)
    {
        var batches = new List<byte[]>();
        var log = TestLogs.Open(directory);
        for (var s = 0; s < segments; s++)
        {
            for (var i = 0; i < 2; i++)
            {
                var batch = TestBatches.Idempotent(Producer, 0, batches.Count, recordCount: 1);
                log.Append(batch);
                batches.Add(batch);
            }

            if (s < segments - 1)
            {
                log.Roll();
            }
        }

        if (clean)
        {
            log.Close();
        }
        else
        {
            log.Abandon();
        }

        return batches;
    }

    private static void AssertRemembersTheLastAppends(PartitionLog log, List<byte[]> batches)
    {
        var end = log.LogEndOffset;
        Assert.Equal(batches.Count, end);
        for (var i = batches.Count - 5; i < batches.Count; i++)
        {
            var retry = log.Append(batches[i]);
            Assert.True(retry.IsDuplicate, $"batch {i} not recognised");
            Assert.Equal(i, retry.BaseOffset);
        }

        Assert.Equal(end, log.LogEndOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber,
            Assert.Throws<BrokerException>(() => log.Append(TestBatches.Idempotent(Producer, 0, batches.Count + 1, 1))).Code);
        Assert.Equal(end, log.Append(TestBatches.Idempotent(Producer, 0, batches.Count, 1)).BaseOffset);
    }
}
