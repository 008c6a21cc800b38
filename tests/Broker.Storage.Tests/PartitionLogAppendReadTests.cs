using System.Buffers.Binary;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage.Tests;

public class PartitionLogAppendReadTests
{
    [Fact]
    public void Append_assigns_offsets_in_place_and_reads_return_the_same_bytes()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var request = TestBatches.Concat(TestBatches.Create(3), TestBatches.Create(2));
        var first = log.AppendAsLeader(request, leaderEpoch: 4);
        Assert.Equal(new AppendResult(0, 4, -1, 5), first);
        Assert.Equal(0, BinaryPrimitives.ReadInt64BigEndian(request));
        Assert.Equal(3, BinaryPrimitives.ReadInt64BigEndian(request.AsSpan(TestBatches.Create(3).Length)));
        var second = log.Append(TestBatches.Create(1));
        Assert.Equal(5, second.BaseOffset);
        Assert.Equal(6, log.LogEndOffset);

        var read = log.Read(0, 1 << 20);
        Assert.Equal(0, read.FirstOffset);
        Assert.Equal(6, read.NextOffset);
        var batches = read.Bytes().Batches();
        Assert.Equal([(0L, 2L), (3L, 4L), (5L, 5L)], batches.Select(b => (b.BaseOffset, b.LastOffset)));
        Assert.Equal(request, batches[0].Bytes.Concat(batches[1].Bytes));
        Assert.Equal(4, RecordBatchHeader.Read(batches[0].Bytes).PartitionLeaderEpoch);
        Assert.Equal([new EpochEntry(4, 0)], log.LeaderEpochs.Entries.Take(1));
    }

    [Fact]
    public void Read_starts_at_the_batch_holding_the_offset_and_is_empty_at_the_end()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(5));
        log.Append(TestBatches.Create(5));
        var read = log.Read(7, 1 << 20);
        Assert.Equal(5, read.FirstOffset);
        Assert.Equal(10, read.NextOffset);
        var end = log.Read(10, 1 << 20);
        Assert.True(end.IsEmpty);
        Assert.Equal(10, end.NextOffset);
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.Read(11, 100)).Code);
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Throws<BrokerException>(() => log.Read(-1, 100)).Code);
    }

    [Fact]
    public void Read_returns_whole_batches_within_max_bytes_but_always_one()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 1 << 20 });
        var batch = TestBatches.Create(2, 100);
        for (var i = 0; i < 5; i++)
        {
            log.Append(batch);
        }

        Assert.Equal(batch.Length, log.Read(0, 1).Length);
        Assert.Equal(batch.Length, log.Read(0, 0).Length);
        Assert.Equal(2 * batch.Length, log.Read(0, (2 * batch.Length) + batch.Length - 1).Length);
        Assert.Equal(3 * batch.Length, log.Read(0, 3 * batch.Length).Length);
    }

    [Fact]
    public void Read_stops_before_a_batch_that_crosses_the_upper_offset()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(3));
        log.Append(TestBatches.Create(3));
        Assert.Equal(3, log.Read(0, 1 << 20, maxOffsetExclusive: 5).NextOffset);
        Assert.Equal(6, log.Read(0, 1 << 20, maxOffsetExclusive: 6).NextOffset);
        Assert.True(log.Read(3, 1 << 20, maxOffsetExclusive: 5).IsEmpty);
        Assert.Equal(0, log.UpdateHighWatermark(0));
        Assert.Equal(6, log.UpdateHighWatermark(100)); // never past the LEO
        Assert.True(log.Read(0, 100, log.HighWatermark).Length > 0);
    }

    [Fact]
    public void Reads_come_from_one_segment()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(1));
        log.Roll();
        log.Append(TestBatches.Create(1));
        Assert.Equal(2, log.SegmentCount);
        Assert.Equal(1, log.Read(0, 1 << 20).NextOffset);
        Assert.Equal(2, log.Read(1, 1 << 20).NextOffset);
    }

    [Fact]
    public void Segments_roll_on_size_with_twenty_digit_names()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 1000 });
        var batch = TestBatches.Create(2, 150); // about 400 bytes: two per segment
        for (var i = 0; i < 6; i++)
        {
            log.Append(batch);
        }

        Assert.Equal([0L, 4, 8], log.SegmentBaseOffsets);
        Assert.True(File.Exists(Path.Combine(dir.Path, "00000000000000000004.log")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "00000000000000000008.timeindex")));
        Assert.Equal(12, log.ReadAll(0).Count * 2);
    }

    [Fact]
    public void Segments_roll_on_age_in_record_time_or_wall_time()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 1 << 20, SegmentMs = 1000 }, time);
        log.Append(TestBatches.Create(1, timestampMs: 10_000));
        log.Append(TestBatches.Create(1, timestampMs: 10_900));
        Assert.Equal(1, log.SegmentCount);
        log.Append(TestBatches.Create(1, timestampMs: 11_001));
        Assert.Equal(2, log.SegmentCount);

        log.Append(TestBatches.Create(1, timestampMs: -1));
        log.Roll();
        log.Append(TestBatches.Create(1, timestampMs: -1));
        time.Advance(999);
        log.Append(TestBatches.Create(1, timestampMs: -1));
        Assert.Equal(3, log.SegmentCount);
        time.Advance(2);
        log.Append(TestBatches.Create(1, timestampMs: -1));
        Assert.Equal(4, log.SegmentCount);
    }

    [Fact]
    public void Segments_roll_when_an_index_is_full()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 1 << 20, IndexIntervalBytes = 1, IndexBytesMax = 4 * TimeIndex.EntryBytes });
        for (var i = 0; i < 20; i++)
        {
            log.Append(TestBatches.Create(1, timestampMs: 1000 + i));
        }

        Assert.True(log.SegmentCount > 3);
        Assert.Equal(20, log.ReadAll(0).Count);
    }

    [Fact]
    public void Log_append_time_stamps_the_batch_and_keeps_the_crc_valid()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(5_000_000);
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { MessageTimestampType = TimestampType.LogAppendTime }, time);
        var result = log.Append(TestBatches.Create(2, timestampMs: 1));
        Assert.Equal(5_000_000, result.LogAppendTimeMs);
        var header = RecordBatchValidator.ValidateOrThrow(log.Read(0, 1000).Bytes(), int.MaxValue, fromProducer: true);
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.Equal(5_000_000, header.MaxTimestamp);
    }

    [Fact]
    public void Lookup_by_timestamp_finds_the_first_batch_at_or_after_it()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 700, IndexIntervalBytes = 1 });
        for (var i = 0; i < 30; i++)
        {
            log.Append(TestBatches.Create(2, 20, timestampMs: 1000 + (i * 10)));
        }

        Assert.True(log.SegmentCount > 3);
        Assert.Equal(new TimestampOffset(1000, 0), log.FindOffsetByTimestamp(0));
        Assert.Equal(new TimestampOffset(1150, 30), log.FindOffsetByTimestamp(1150));
        Assert.Equal(new TimestampOffset(1160, 32), log.FindOffsetByTimestamp(1151));
        Assert.Equal(new TimestampOffset(1290, 58), log.FindOffsetByTimestamp(1290));
        Assert.Null(log.FindOffsetByTimestamp(1291));
        Assert.Null(log.FindOffsetByTimestamp(1150, maxOffsetExclusive: 30));
    }
}
