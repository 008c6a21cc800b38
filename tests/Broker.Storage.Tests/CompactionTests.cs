using Broker.Core.Compression;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage.Tests;

public class CompactionTests
{
    [Fact]
    public void The_last_value_of_each_key_survives_at_its_original_offset()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        log.Append(Keyed.Batch(("a", "a1"), ("b", "b1")));        // 0-1
        log.Append(Keyed.Batch(("a", "a2")));                     // 2
        log.Roll();
        log.Append(Keyed.Batch(("c", "c1"), ("b", "b2")));        // 3-4
        log.Append(Keyed.Batch(("a", "a3")));                     // 5
        log.Roll();
        log.Append(Keyed.Batch(("a", "a4")));                     // 6: active, never compacted
        var before = Keyed.Records(log);

        var result = log.Compact(log.LogEndOffset);

        var after = Keyed.Records(log);
        Assert.Equal([(3L, "c1"), (4, "b2"), (5, "a3"), (6, "a4")], after.Select(r => (r.Offset, r.Value!)));
        Assert.All(after, r => Assert.Contains(r, before));
        Assert.Equal(7, log.LogEndOffset);
        Assert.Equal(6, log.CleanerCheckpoint);
        Assert.Equal(6, result.CleanedUpToOffset);
        Assert.Equal(3, result.RecordsRemoved);
        Assert.Equal([0L, 6], log.SegmentBaseOffsets);
        Assert.False(result.Partial || result.Aborted);
    }

    [Fact]
    public void Reads_at_offsets_in_gaps_return_the_next_batch_and_batches_keep_their_offset_range()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        log.Append(Keyed.Batch(("a", "1"), ("b", "1"), ("c", "1")));   // 0-2: only b survives
        log.Append(Keyed.Batch(("a", "2")));                           // 3: dropped entirely
        log.Append(Keyed.Batch(("c", "2")));                           // 4: dropped entirely
        log.Append(Keyed.Batch(("a", "3"), ("c", "3")));               // 5-6
        log.Roll();
        log.Compact(log.LogEndOffset);

        var batches = log.ReadAll(0);
        Assert.Equal([(0L, 2L), (5L, 6L)], batches.Select(b => (b.BaseOffset, b.LastOffset)));
        var first = RecordBatchHeader.Read(batches[0].Bytes);
        Assert.Equal((1, 2), (first.RecordCount, first.LastOffsetDelta));
        Assert.Equal(5, log.Read(3, 1 << 20).FirstOffset);
        Assert.Equal(5, log.Read(4, 1 << 20).FirstOffset);
        Assert.Equal(0, log.Read(1, 1 << 20).FirstOffset);
        Assert.Equal(new TimestampOffset(1_000, 0), log.FindOffsetByTimestamp(1_000));
    }

    [Fact]
    public void Tombstones_survive_delete_retention_after_their_first_cleaning_and_then_go()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        var config = Keyed.Config with { DeleteRetentionMs = 60_000 };
        using var log = TestLogs.Open(dir.Path, config, time);
        log.Append(Keyed.Batch(("a", "1"), ("b", "1")));
        log.Append(Keyed.Batch(("a", null)));                          // tombstone for a, at offset 2
        log.Roll();

        log.Compact(log.LogEndOffset);
        Assert.Equal([new KeyedRecord(1, "b", "1", 1_000), new KeyedRecord(2, "a", null, 1_000)], Keyed.Records(log));

        time.Advance(59_999);
        log.Compact(log.LogEndOffset);
        Assert.Contains(Keyed.Records(log), r => r.Key == "a" && r.Value is null);

        time.Advance(1);
        var result = log.Compact(log.LogEndOffset);
        Assert.Equal(1, result.TombstonesRemoved);
        Assert.Equal([new KeyedRecord(1, "b", "1", 1_000)], Keyed.Records(log));
        Assert.Equal(3, log.LogEndOffset);
    }

    [Fact]
    public void A_compacted_log_refuses_records_without_a_key_and_a_delete_log_takes_them()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        var keyless = TestBatches.Create(2);
        var error = Assert.Throws<BrokerException>(() => log.Append(keyless));
        Assert.Equal(ErrorCode.InvalidRecord, error.Code);
        Assert.Equal(0, log.LogEndOffset);

        using var compressed = new RecordBatchBuilder(CompressionType.Gzip);
        compressed.Append(1_000, "k"u8.ToArray(), "v"u8.ToArray());
        compressed.Append(1_000, null, "v"u8.ToArray());
        Assert.Equal(ErrorCode.InvalidRecord, Assert.Throws<BrokerException>(() => log.Append(compressed.Seal().ToArray())).Code);

        log.UpdateConfig(log.Config with { CleanupPolicy = CleanupPolicy.Delete });
        Assert.Equal(0, log.Append(keyless).BaseOffset);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Compressed_batches_are_filtered_and_recompressed_with_their_codec(CompressionType codec)
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        log.Append(Keyed.Batch(1_000, codec, ("a", "1"), ("b", "1"), ("a", "2")));
        log.Append(Keyed.Batch(2_000, codec, ("b", "2"), ("c", "1")));
        log.Roll();
        log.Compact(log.LogEndOffset);

        var batches = log.ReadAll(0);
        Assert.All(batches, b => Assert.Equal(codec, RecordBatchHeader.Read(b.Bytes).Compression));
        Assert.Equal([new KeyedRecord(2, "a", "2", 1_000), new KeyedRecord(3, "b", "2", 2_000), new KeyedRecord(4, "c", "1", 2_000)], Keyed.Records(log));
    }

    [Fact]
    public void Nothing_at_or_above_the_upper_bound_or_in_the_active_segment_is_compacted()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        log.Append(Keyed.Batch(("a", "1")));
        log.Roll();
        log.Append(Keyed.Batch(("a", "2")));
        log.Roll();
        log.Append(Keyed.Batch(("a", "3")));

        var result = log.Compact(upperBoundOffset: 1);
        Assert.Equal(3, Keyed.Records(log).Count);   // only segment 0 was cleanable, and it holds a's latest below 1
        Assert.Equal(1, result.CleanedUpToOffset);

        log.Compact(upperBoundOffset: long.MaxValue);
        Assert.Equal([1L, 2], Keyed.Records(log).Select(r => r.Offset));
    }

    [Fact]
    public void A_small_offset_map_cleans_a_prefix_and_the_next_pass_continues_from_its_checkpoint()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        for (var round = 0; round < 3; round++)
        {
            for (var key = 0; key < 40; key++)
            {
                log.Append(Keyed.Batch(($"key-{key:D3}", $"value-{round}")));
            }
        }

        log.Roll();
        var cleaner = CleanerConfig.Default with { OffsetMapBytesMax = CleanerConfig.OffsetMapBytesMin };
        var passes = 0;
        CompactionResult result;
        do
        {
            result = log.Compact(log.LogEndOffset, cleaner);
            Assert.True(++passes < 50, "the cleaner made no progress");
        }
        while (result.Partial);

        Assert.True(passes > 1);
        Assert.Equal(120, log.CleanerCheckpoint);
        var records = Keyed.Records(log);
        Assert.Equal(40, records.Count);
        Assert.All(records, r => Assert.Equal("value-2", r.Value));
    }

    [Fact]
    public void A_read_result_taken_before_a_compaction_still_copies_the_old_bytes()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config with { FileDeleteDelayMs = 60_000 });
        log.Append(Keyed.Batch(("a", "1"), ("b", "1")));
        log.Append(Keyed.Batch(("a", "2")));
        log.Roll();
        var read = log.Read(0, 1 << 20);
        var expected = read.Bytes();

        log.Compact(log.LogEndOffset);

        Assert.True(File.Exists(LogFileNames.LogFile(dir.Path, 0) + LogFileNames.DeletedSuffix));
        var copy = new byte[read.Length];
        Assert.True(read.TryCopyTo(copy));
        Assert.Equal(expected, copy);
        Assert.NotEqual(expected.Length, log.Read(0, 1 << 20).Length);
    }

    [Fact]
    public void A_compacted_log_reopens_the_same_after_a_clean_shutdown_and_after_a_crash()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        List<KeyedRecord> compacted;
        long checkpoint;
        using (var log = TestLogs.Open(dir.Path, Keyed.Config, time))
        {
            for (var i = 0; i < 30; i++)
            {
                log.Append(Keyed.Batch(($"k{i % 7}", $"v{i}")));
                if (i % 10 == 9)
                {
                    log.Roll();
                }
            }

            log.Compact(log.LogEndOffset);
            compacted = Keyed.Records(log);
            checkpoint = log.CleanerCheckpoint;
        }

        using (var clean = PartitionLog.Open(dir.Path, TestLogs.Name, Keyed.Config, time, hadCleanShutdown: true, cleanerCheckpoint: checkpoint))
        {
            Assert.Equal(compacted, Keyed.Records(clean));
            Assert.Equal(30, clean.LogEndOffset);
            Assert.Equal(checkpoint, clean.CleanerCheckpoint);
            clean.Append(Keyed.Batch(("k0", "late")));
        }

        using var crashed = TestLogs.Open(dir.Path, Keyed.Config, time, clean: false);
        Assert.Equal(0, crashed.RecoveredBytesTruncated);
        Assert.Equal([.. compacted, new KeyedRecord(30, "k0", "late", 1_000)], Keyed.Records(crashed));
    }

    [Fact]
    public void Truncating_into_a_gap_ends_the_log_there_and_lowers_the_cleaner_checkpoint()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, Keyed.Config);
        log.Append(Keyed.Batch(("a", "1")));      // 0
        log.Append(Keyed.Batch(("b", "1")));      // 1: dropped, a gap
        log.Append(Keyed.Batch(("c", "1")));      // 2
        log.Append(Keyed.Batch(("b", "2")));      // 3
        log.Roll();
        log.Append(Keyed.Batch(("d", "1")));      // 4
        log.Compact(log.LogEndOffset);
        Assert.Equal(4, log.CleanerCheckpoint);

        log.TruncateTo(1);
        Assert.Equal(1, log.LogEndOffset);
        Assert.Equal(1, log.CleanerCheckpoint);
        Assert.Equal([0L], Keyed.Records(log).Select(r => r.Offset));
        Assert.Equal(1, log.Append(Keyed.Batch(("e", "1"))).BaseOffset);
    }

    [Fact]
    public void Compact_only_logs_ignore_time_and_size_retention()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var log = TestLogs.Open(dir.Path, Keyed.Config with { RetentionMs = 1, RetentionBytes = 0 }, time);
        log.Append(Keyed.Batch(("a", "1")));
        log.Roll();
        log.Append(Keyed.Batch(("b", "1")));
        time.Advance(10_000_000);
        Assert.Equal(0, log.DeleteOldSegments());
        log.UpdateConfig(log.Config with { CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete });
        Assert.Equal(1, log.DeleteOldSegments());
    }
}
