using Broker.Core.Records;

namespace Broker.Storage.Tests;

public class RecoveryTests
{
    [Fact]
    public void Clean_reopen_reads_nothing_but_the_active_tail()
    {
        using var dir = new TempDirectory();
        var appended = new List<byte[]>();
        using (var log = TestLogs.Open(dir.Path))
        {
            for (var i = 0; i < 40; i++)
            {
                var batch = TestBatches.Create(2, 100 + i);
                log.Append(batch);
                appended.Add(batch);
            }
        }

        using var reopened = TestLogs.Open(dir.Path);
        Assert.Equal(0, reopened.SegmentsRecovered);
        Assert.Equal(80, reopened.LogEndOffset);
        Assert.Equal(80, reopened.FlushedOffset);
        Assert.True(reopened.SegmentCount > 2);
        Assert.False(reopened.Segments[0].OffsetIndex.IsOpen); // indices open lazily
        var read = reopened.ReadAll(0);
        Assert.Equal(40, read.Count);
        Assert.Equal(80, reopened.Append(TestBatches.Create(1)).BaseOffset);
    }

    [Fact]
    public void Cutting_the_last_batches_at_every_byte_keeps_exactly_the_whole_batches_before_the_cut()
    {
        using var dir = new TempDirectory();
        var batches = new[] { TestBatches.Create(2, 30), TestBatches.Create(1, 50), TestBatches.Create(3, 20) };
        var logPath = LogFileNames.LogFile(dir.Path, 0);
        using (var log = TestLogs.Open(dir.Path))
        {
            foreach (var batch in batches)
            {
                log.Append(batch);
            }
        }

        var original = File.ReadAllBytes(logPath);
        var ends = new[] { batches[0].Length, batches[0].Length + batches[1].Length, original.Length };
        var offsets = new[] { 2L, 3, 6 };
        for (var cut = batches[0].Length; cut <= original.Length; cut++)
        {
            File.WriteAllBytes(logPath, original[..cut]);
            using var log = TestLogs.Open(dir.Path, clean: false);
            var whole = ends.Count(end => end <= cut);
            Assert.Equal(offsets[whole - 1], log.LogEndOffset);
            Assert.Equal(original[..ends[whole - 1]], log.Read(0, 1 << 20).Bytes());
            Assert.Equal(ends[whole - 1], new FileInfo(logPath).Length);
            Assert.Equal(cut - ends[whole - 1], log.RecoveredBytesTruncated);
        }
    }

    [Fact]
    public void A_flipped_bit_anywhere_the_crc_covers_or_lowering_a_base_offset_cuts_that_batch_and_all_after()
    {
        using var dir = new TempDirectory();
        var batches = new[] { TestBatches.Create(2, 30), TestBatches.Create(2, 30), TestBatches.Create(1, 40) };
        var logPath = LogFileNames.LogFile(dir.Path, 0);
        using (var log = TestLogs.Open(dir.Path))
        {
            foreach (var batch in batches)
            {
                log.Append(batch);
            }
        }

        var original = File.ReadAllBytes(logPath);
        var second = batches[0].Length;
        var random = new Random(7);
        for (var position = second; position < original.Length; position++)
        {
            var relative = position < second + batches[1].Length ? position - second : position - second - batches[1].Length;
            if (relative is >= RecordBatchLayout.PartitionLeaderEpochOffset and < RecordBatchLayout.MagicOffset)
            {
                continue; // the leader epoch is outside the CRC (Kafka's format): a flip there goes unnoticed
            }

            var damaged = (byte[])original.Clone();
            var bit = (byte)(1 << random.Next(8));
            if (relative < RecordBatchLayout.BatchLengthOffset)
            {
                // The base offset is outside the CRC too. Compaction leaves gaps, so a raised base offset is
                // indistinguishable from one; only a lowered one (overlapping the batch before) is detected.
                bit = (byte)(damaged[position] & bit) != 0 ? bit : (byte)(damaged[position] & -damaged[position]);
                if (bit == 0)
                {
                    continue;
                }
            }

            damaged[position] ^= bit;
            File.WriteAllBytes(logPath, damaged);
            using var log = TestLogs.Open(dir.Path, clean: false);
            var keptBatches = position < second + batches[1].Length ? 1 : 2;
            var keptBytes = keptBatches == 1 ? second : second + batches[1].Length;
            Assert.Equal(keptBatches == 1 ? 2 : 4, log.LogEndOffset);
            Assert.Equal(original[..keptBytes], log.Read(0, 1 << 20).Bytes());
        }
    }

    [Fact]
    public void Damage_in_a_middle_segment_deletes_every_later_segment()
    {
        using var dir = new TempDirectory();
        using (var log = TestLogs.Open(dir.Path))
        {
            for (var i = 0; i < 3; i++)
            {
                log.Append(TestBatches.Create(2));
                log.Append(TestBatches.Create(2));
                log.Roll();
            }
        }

        var middle = LogFileNames.LogFile(dir.Path, 4);
        var bytes = File.ReadAllBytes(middle);
        bytes[^2] ^= 1;
        File.WriteAllBytes(middle, bytes);
        using var reopened = TestLogs.Open(dir.Path, clean: false);
        Assert.Equal(6, reopened.LogEndOffset);
        Assert.Equal([0L, 4], reopened.SegmentBaseOffsets);
        Assert.False(File.Exists(LogFileNames.LogFile(dir.Path, 8)));
        Assert.Equal(3, reopened.ReadAll(0).Count);
    }

    [Fact]
    public void Recovery_starts_at_the_segment_holding_the_recovery_point()
    {
        using var dir = new TempDirectory();
        using (var log = TestLogs.Open(dir.Path))
        {
            for (var i = 0; i < 5; i++)
            {
                log.Append(TestBatches.Create(2));
                log.Roll();
            }
        }

        using var reopened = TestLogs.Open(dir.Path, clean: false, recoveryPoint: 8);
        Assert.Equal(2, reopened.SegmentsRecovered); // segments 8 and the empty active 10
        Assert.Equal(8, reopened.FlushedOffset);
        Assert.Equal(10, reopened.LogEndOffset);
    }

    [Fact]
    public void A_crash_leaves_preallocated_indices_that_recovery_rebuilds()
    {
        using var dir = new TempDirectory();
        var log = TestLogs.Open(dir.Path, TestLogs.Small with { IndexIntervalBytes = 1 });
        for (var i = 0; i < 10; i++)
        {
            log.Append(TestBatches.Create(1, timestampMs: 100 + i));
        }

        log.Abandon();
        Assert.Equal(TestLogs.Small.IndexBytesMax, new FileInfo(LogFileNames.IndexFile(dir.Path, 0)).Length);
        using var reopened = TestLogs.Open(dir.Path, clean: false);
        Assert.Equal(10, reopened.LogEndOffset);
        Assert.Equal(new TimestampOffset(105, 5), reopened.FindOffsetByTimestamp(105));
        Assert.Equal(5, reopened.Read(5, 1).FirstOffset);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("missing")]
    [InlineData("past-the-log")]
    public void Damaged_or_missing_indices_are_rebuilt_not_trusted(string damage)
    {
        using var dir = new TempDirectory();
        using (var log = TestLogs.Open(dir.Path, TestLogs.Small with { IndexIntervalBytes = 1 }))
        {
            for (var i = 0; i < 10; i++)
            {
                log.Append(TestBatches.Create(1, timestampMs: 100 + i));
            }

            log.Roll();
            log.Append(TestBatches.Create(1, timestampMs: 200));
        }

        var index = LogFileNames.IndexFile(dir.Path, 0);
        var timeIndex = LogFileNames.TimeIndexFile(dir.Path, 0);
        switch (damage)
        {
            case "garbage":
                File.WriteAllBytes(index, [.. Enumerable.Range(0, 40).Select(i => (byte)(i * 37))]);
                File.WriteAllBytes(timeIndex, new byte[25]);
                break;
            case "missing":
                File.Delete(index);
                File.Delete(timeIndex);
                break;
            default:
                File.WriteAllBytes(index, [0, 0, 0, 1, 0x7f, 0, 0, 0]);
                break;
        }

        using var reopened = TestLogs.Open(dir.Path);
        for (var offset = 0; offset < 10; offset++)
        {
            Assert.Equal(offset, reopened.Read(offset, 1).FirstOffset);
        }

        Assert.Equal(new TimestampOffset(107, 7), reopened.FindOffsetByTimestamp(107));
    }

    [Fact]
    public void Garbage_after_a_clean_shutdown_tail_is_recovered_away()
    {
        using var dir = new TempDirectory();
        using (var log = TestLogs.Open(dir.Path))
        {
            log.Append(TestBatches.Create(2));
        }

        using (var stream = new FileStream(LogFileNames.LogFile(dir.Path, 0), FileMode.Append))
        {
            stream.Write(new byte[100]);
        }

        using var reopened = TestLogs.Open(dir.Path);
        Assert.Equal(2, reopened.LogEndOffset);
        Assert.Equal(100, reopened.RecoveredBytesTruncated);
    }

    [Fact]
    public void Leftover_files_are_removed_on_open()
    {
        using var dir = new TempDirectory();
        using (var log = TestLogs.Open(dir.Path))
        {
            log.Append(TestBatches.Create(1));
        }

        File.WriteAllText(Path.Combine(dir.Path, "00000000000000000000.log.deleted"), "x");
        File.WriteAllText(Path.Combine(dir.Path, "leader-epoch-checkpoint.tmp"), "x");
        File.WriteAllText(Path.Combine(dir.Path, "00000000000000000099.index"), "x");
        using var reopened = TestLogs.Open(dir.Path);
        Assert.Equal(
            // The producer snapshot the clean close wrote at the log end stays: it is what spares the next open a scan.
            ["00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex", "00000000000000000001.snapshot", "leader-epoch-checkpoint"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
