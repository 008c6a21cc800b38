using Broker.Core.Errors;

namespace Broker.Storage.Tests;

/// <summary>The leader's checks of idempotent producers' appends: retries land once, gaps and old epochs are refused.</summary>
public class IdempotentAppendTests
{
    private const long Producer = 4_000;

    [Fact]
    public void A_retried_append_is_stored_once_and_answered_with_its_original_offsets()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Create(3)); // 0-2, not idempotent
        var batch = TestBatches.Idempotent(Producer, 0, 0, recordCount: 4);

        var first = log.Append(batch);
        var retry = log.Append(batch);

        Assert.Equal((3L, 6L, false), (first.BaseOffset, first.LastOffset, first.IsDuplicate));
        Assert.Equal((3L, 6L, true), (retry.BaseOffset, retry.LastOffset, retry.IsDuplicate));
        Assert.Equal(7, log.LogEndOffset);
        Assert.Equal(2, log.ReadAll(0).Count);
        Assert.Equal(7, log.Append(TestBatches.Idempotent(Producer, 0, 4)).BaseOffset);
    }

    [Fact]
    public void Each_of_the_last_five_appends_is_recognised_and_an_older_one_is_out_of_order()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var batches = Enumerable.Range(0, 6).Select(i => TestBatches.Idempotent(Producer, 0, i * 2)).ToList();
        foreach (var batch in batches)
        {
            log.Append(batch);
        }

        for (var i = 1; i < 6; i++)
        {
            var retry = log.Append(batches[i]);
            Assert.True(retry.IsDuplicate);
            Assert.Equal(i * 2, retry.BaseOffset);
        }

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Refused(log, batches[0]));
        Assert.Equal(12, log.LogEndOffset);
    }

    [Fact]
    public void A_gap_in_sequences_is_refused_and_nothing_is_appended()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        log.Append(TestBatches.Idempotent(Producer, 0, 0, recordCount: 2));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Refused(log, TestBatches.Idempotent(Producer, 0, 3)));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Refused(log, TestBatches.Idempotent(Producer, 0, 1, recordCount: 2)));
        Assert.Equal(2, log.LogEndOffset);
        Assert.Equal(2, log.Append(TestBatches.Idempotent(Producer, 0, 2)).BaseOffset);
    }

    [Fact]
    public void An_unknown_producer_must_start_at_sequence_0()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);

        Assert.Equal(ErrorCode.UnknownProducerId, Refused(log, TestBatches.Idempotent(Producer, 0, 5)));
        Assert.Equal(0, log.LogEndOffset);
        Assert.False(log.Append(TestBatches.Idempotent(Producer, 3, 0)).IsDuplicate);
        Assert.Equal(1, log.ProducerCount);
    }

    [Fact]
    public void A_newer_epoch_restarts_at_0_and_fences_the_older_one()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var old = TestBatches.Idempotent(Producer, 1, 0);
        log.Append(old);
        log.Append(TestBatches.Idempotent(Producer, 1, 2));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Refused(log, TestBatches.Idempotent(Producer, 2, 4)));
        Assert.Equal(4, log.Append(TestBatches.Idempotent(Producer, 2, 0)).BaseOffset);

        Assert.Equal(ErrorCode.InvalidProducerEpoch, Refused(log, old));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Refused(log, TestBatches.Idempotent(Producer, 1, 4)));
        Assert.Equal(6, log.LogEndOffset);
    }

    [Fact]
    public void Producers_are_independent_and_plain_batches_are_not_checked()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var plain = TestBatches.Create(1);
        log.Append(TestBatches.Idempotent(1, 0, 0));
        log.Append(TestBatches.Idempotent(2, 0, 0));
        log.Append(plain);
        log.Append(plain);
        Assert.Equal(6, log.LogEndOffset);
        Assert.Equal(2, log.ProducerCount);
    }

    [Fact]
    public void The_batches_of_one_request_are_one_append_and_its_retry_is_one_duplicate()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);
        var request = TestBatches.Concat(TestBatches.Idempotent(Producer, 0, 0, 3), TestBatches.Idempotent(Producer, 0, 3, 2));

        Assert.False(log.Append(request).IsDuplicate);
        var retry = log.Append(request);

        Assert.Equal((0L, 4L, true), (retry.BaseOffset, retry.LastOffset, retry.IsDuplicate));
        Assert.Equal(5, log.LogEndOffset);
    }

    [Fact]
    public void One_request_must_carry_one_producers_consecutive_batches()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path);

        Assert.Equal(ErrorCode.InvalidRecord, Refused(log, TestBatches.Concat(TestBatches.Idempotent(1, 0, 0), TestBatches.Idempotent(2, 0, 0))));
        Assert.Equal(ErrorCode.InvalidRecord, Refused(log, TestBatches.Concat(TestBatches.Create(1), TestBatches.Idempotent(1, 0, 0))));
        Assert.Equal(ErrorCode.InvalidRecord, Refused(log, TestBatches.Concat(TestBatches.Idempotent(1, 0, 0), TestBatches.Create(1))));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Refused(log, TestBatches.Concat(TestBatches.Idempotent(1, 0, 0), TestBatches.Idempotent(1, 0, 5))));
        Assert.Equal(ErrorCode.InvalidRecord, Refused(log, TestBatches.WithProducer(TestBatches.Create(1), 1, 0, -1)));
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public void Sequences_wrap_after_int_max()
    {
        var table = new ProducerStateTable();
        var acrossTheWrap = new ProducerBatchSpan(Producer, 0, int.MaxValue - 1, RecordCount: 3);
        table.Record(acrossTheWrap, baseOffset: 100, lastOffset: 102, timestampMs: 0);

        Assert.Equal(0, acrossTheWrap.LastSequence);
        Assert.Equal(1, table.Get(Producer)!.NextSequence);
        Assert.True(table.CheckSequence(acrossTheWrap with { FirstSequence = int.MaxValue, RecordCount = 2 }, out var original, out _));
        Assert.Equal(101, original);
        Assert.False(table.CheckSequence(acrossTheWrap with { FirstSequence = 1, RecordCount = 1 }, out _, out _));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Assert.Throws<BrokerException>(() => table.CheckSequence(acrossTheWrap with { FirstSequence = 2 }, out _, out _)).Code);
    }

    [Fact]
    public void A_log_append_time_topic_answers_a_retry_with_the_original_append_time()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { MessageTimestampType = Broker.Core.Records.TimestampType.LogAppendTime }, time);
        var batch = TestBatches.Idempotent(Producer, 0, 0);
        var first = log.Append(batch);
        time.Advance(5_000);

        var retry = log.Append(batch);

        Assert.True(retry.IsDuplicate);
        Assert.Equal(first.LogAppendTimeMs, retry.LogAppendTimeMs);
    }

    [Fact]
    public void A_follower_takes_in_the_leaders_producers_and_can_then_lead()
    {
        using var leaderDir = new TempDirectory();
        using var followerDir = new TempDirectory();
        using var leader = TestLogs.Open(leaderDir.Path);
        using var follower = TestLogs.Open(followerDir.Path);
        var batch = TestBatches.Idempotent(Producer, 0, 0, 3);
        leader.Append(batch);

        follower.AppendAsFollower(leader.Read(0, 1 << 20).Bytes());

        Assert.True(follower.Append(batch).IsDuplicate);
        Assert.Equal(3, follower.Append(TestBatches.Idempotent(Producer, 0, 3)).BaseOffset);
    }

    [Fact]
    public void Checking_and_recording_an_idempotent_append_allocates_nothing_once_the_producer_is_known()
    {
        using var dir = new TempDirectory();
        using var log = TestLogs.Open(dir.Path, TestLogs.Small with { SegmentBytes = 64 << 20, IndexBytesMax = 1 << 20 });
        var batches = Enumerable.Range(0, 1_100).Select(i => TestBatches.Idempotent(Producer, 0, i * 2)).ToArray();
        for (var i = 0; i < 100; i++)
        {
            log.AppendAsLeader(batches[i], 0);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < batches.Length; i++)
        {
            log.AppendAsLeader(batches[i], 0);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000, $"1,000 idempotent appends allocated {allocated} bytes");
        Assert.True(log.AppendAsLeader(batches[^1], 0).IsDuplicate);
    }

    private static ErrorCode Refused(PartitionLog log, byte[] batches) =>
        Assert.Throws<BrokerException>(() => log.Append(batches)).Code;
}
