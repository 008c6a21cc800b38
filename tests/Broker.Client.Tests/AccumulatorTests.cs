using Broker.Client.Metadata;
using Broker.Client.Producing;
using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Protocol.Messages.Metadata;

namespace Broker.Client.Tests;

/// <summary>The producer's buffer on its own: batching by size, linger, per-partition ordering, allocation.</summary>
public class AccumulatorTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_record_that_does_not_fit_seals_the_batch_and_only_sealed_batches_go_before_linger()
    {
        using var accumulator = Accumulator(batchSize: 1024, linger: TimeSpan.FromSeconds(1));
        var queue = accumulator.Topic("t").For(0);
        var message = new Message(null, new byte[300]);
        var results = Enumerable.Range(0, 4).Select(i => accumulator.Append(queue, message, 0, null, 300)).ToList();

        Assert.Equal([AppendResult.BatchOpened, AppendResult.None, AppendResult.None, AppendResult.SealedFull | AppendResult.BatchOpened], results);
        var pass = new DrainPass();
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        var drained = Assert.Single(Assert.Single(pass.ByLeader).Value);
        Assert.Equal(3, Assert.Single(drained.Batches).RecordCount);
        Assert.NotNull(queue.Open);
        Assert.Equal(TimeSpan.FromSeconds(1), pass.NextDue); // the batch left open still has its linger deadline
    }

    [Fact]
    public void With_no_linger_the_batch_opened_by_the_record_that_filled_the_last_one_goes_with_it()
    {
        // Regression: it stayed open until it was full as well, so at low rates every record waited for a whole
        // batch's worth of later ones (perf e2e at 2,000 records/s: p50 4.7 ms instead of under 1 ms).
        using var accumulator = Accumulator(batchSize: 1024, linger: TimeSpan.Zero);
        var queue = accumulator.Topic("t").For(0);
        var message = new Message(null, new byte[300]);
        for (var i = 0; i < 4; i++)
        {
            accumulator.Append(queue, message, 0, null, 300);
        }

        var pass = new DrainPass();
        accumulator.Drain(Leaders("t", 1), everything: false, pass);

        var drained = Assert.Single(Assert.Single(pass.ByLeader).Value);
        Assert.Equal([3, 1], drained.Batches.Select(b => b.RecordCount));
        Assert.Null(queue.Open);
    }

    [Fact]
    public void An_open_batch_waits_for_linger_and_the_pass_says_when_it_is_due()
    {
        using var accumulator = Accumulator(batchSize: 16 * 1024, linger: TimeSpan.FromMilliseconds(5));
        accumulator.Append(accumulator.Topic("t").For(0), new Message(null, [1]), 0, null, 40);
        var pass = new DrainPass();

        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        Assert.Empty(pass.ByLeader);
        Assert.Equal(TimeSpan.FromMilliseconds(5), pass.NextDue);

        _time.Advance(TimeSpan.FromMilliseconds(5));
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        Assert.Single(pass.ByLeader);
    }

    [Fact]
    public void Keyless_records_move_on_when_their_batch_lingered_out_but_not_when_a_flush_took_it()
    {
        using var accumulator = Accumulator(batchSize: 16 * 1024, linger: TimeSpan.FromMilliseconds(5));
        var topic = accumulator.Topic("t");
        var pass = new DrainPass();
        topic.StickyPartition = 0;
        accumulator.Append(topic.For(0), new Message(null, [1]), 0, null, 40);

        accumulator.Drain(Leaders("t", 1), everything: true, pass);
        Assert.Single(pass.ByLeader);
        Assert.Equal(0, topic.StickyPartition);

        accumulator.Append(topic.For(0), new Message(null, [1]), 0, null, 40);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        Assert.Single(pass.ByLeader);
        Assert.Equal(-1, topic.StickyPartition);
    }

    [Fact]
    public void A_keyless_record_that_does_not_fit_the_sticky_batch_is_handed_back_and_not_left_in_a_batch_of_its_own()
    {
        using var accumulator = Accumulator(batchSize: 1024, linger: TimeSpan.FromSeconds(1));
        var topic = accumulator.Topic("t");
        topic.StickyPartition = 0;
        var message = new Message(null, new byte[300]);
        for (var i = 0; i < 3; i++)
        {
            accumulator.Append(topic.For(0), message, 0, null, 300, abortOnNewBatch: true);
        }

        // The fourth does not fit: the batch is sealed and the record is not taken.
        Assert.Equal(AppendResult.SealedFull | AppendResult.Aborted, accumulator.Append(topic.For(0), message, 0, null, 300, abortOnNewBatch: true));
        Assert.Null(topic.For(0).Open);
        // A thread that read partition 0 as sticky before the first one moved on is handed back too.
        Assert.Equal(AppendResult.Aborted, accumulator.Append(topic.For(0), message, 0, null, 300, abortOnNewBatch: true));

        // Both move to one new partition, not one each.
        var next = topic.NextStickyPartition(8, previous: 0);
        Assert.NotEqual(0, next);
        Assert.Equal(next, topic.NextStickyPartition(8, previous: 0));
        Assert.Equal(AppendResult.BatchOpened, accumulator.Append(topic.For(next), message, 0, null, 300, abortOnNewBatch: true));

        var pass = new DrainPass();
        accumulator.Drain(Leaders("t", 8), everything: true, pass);
        Assert.Equal([3, 1], pass.ByLeader.Single().Value.OrderBy(d => d.Queue.Partition.Partition).Select(d => d.Batches.Single().RecordCount));
    }

    [Fact]
    public void A_partition_chosen_as_sticky_again_takes_records_although_its_last_batch_was_full()
    {
        using var accumulator = Accumulator(batchSize: 1024, linger: TimeSpan.FromSeconds(1));
        var topic = accumulator.Topic("t");
        var message = new Message(null, new byte[300]);
        topic.StickyPartition = 0;
        for (var i = 0; i < 4; i++)
        {
            accumulator.Append(topic.For(0), message, 0, null, 300, abortOnNewBatch: true);
        }

        // One partition only: moving on comes back to it.
        Assert.Equal(0, topic.NextStickyPartition(1, previous: 0));
        Assert.Equal(AppendResult.BatchOpened, accumulator.Append(topic.For(0), message, 0, null, 300, abortOnNewBatch: true));
    }

    [Fact]
    public void After_a_flush_took_the_sticky_batch_keyless_records_stay_on_the_partition()
    {
        using var accumulator = Accumulator(batchSize: 1024, linger: TimeSpan.FromSeconds(1));
        var topic = accumulator.Topic("t");
        topic.StickyPartition = 0;
        accumulator.Append(topic.For(0), new Message(null, [1]), 0, null, 40, abortOnNewBatch: true);
        accumulator.Drain(Leaders("t", 1), everything: true, new DrainPass());

        Assert.Equal(AppendResult.BatchOpened, accumulator.Append(topic.For(0), new Message(null, [2]), 0, null, 40, abortOnNewBatch: true));
    }

    [Fact]
    public void A_partition_with_a_full_window_is_not_drained_again_until_a_request_finishes()
    {
        using var accumulator = Accumulator(batchSize: 100, linger: TimeSpan.Zero, maxInFlight: 1);
        var queue = accumulator.Topic("t").For(0);
        var pass = new DrainPass();
        accumulator.Append(queue, new Message(null, new byte[80]), 0, null, 120);
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        var first = Assert.Single(Assert.Single(pass.ByLeader).Value);
        accumulator.Append(queue, new Message(null, new byte[80]), 0, null, 120);

        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        Assert.Empty(pass.ByLeader);

        Settle(queue, first);
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        Assert.Single(pass.ByLeader);
    }

    [Fact]
    public void A_partition_without_a_known_leader_is_held_and_reported()
    {
        using var accumulator = Accumulator(batchSize: 100, linger: TimeSpan.Zero);
        accumulator.Append(accumulator.Topic("other").For(0), new Message(null, [1]), 0, null, 40);
        var pass = new DrainPass();

        accumulator.Drain(Leaders("t", 1), everything: true, pass);

        Assert.Empty(pass.ByLeader);
        Assert.True(pass.UnknownLeader);
    }

    [Fact]
    public void Appending_with_a_callback_allocates_nothing_per_record_once_warm()
    {
        using var accumulator = Accumulator(batchSize: 1024 * 1024, linger: TimeSpan.FromSeconds(1));
        var queue = accumulator.Topic("t").For(0);
        var message = new Message(new byte[8], new byte[100]);
        Action<DeliveryReport> callback = _ => { };
        void Fill()
        {
            for (var i = 0; i < 5_000; i++)
            {
                accumulator.Append(queue, message, i, callback, 150);
            }
        }

        Fill();
        var pass = new DrainPass();
        accumulator.Drain(Leaders("t", 1), everything: true, pass);
        var drained = Assert.Single(Assert.Single(pass.ByLeader).Value);
        Settle(queue, drained);
        foreach (var batch in drained.Batches)
        {
            batch.Complete(0, -1, Broker.Core.Errors.ErrorCode.None, null);
            accumulator.Return(batch);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        Fill();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024, $"5,000 appends allocated {allocated} bytes");
    }

    /// <summary>What the sender does with a successful answer: the request leaves the partition's window.</summary>
    private static void Settle(PartitionQueue queue, DrainedPartition request)
    {
        lock (queue.Lock)
        {
            queue.InFlight.OnOutcome(request, new PartitionOutcome(Broker.Core.Errors.ErrorCode.None, null, 0, -1), canRetry: true, []);
        }
    }

    private RecordAccumulator Accumulator(int batchSize, TimeSpan linger, int maxInFlight = 5)
    {
        var options = new ProducerOptions { BatchSize = batchSize, Linger = linger, MaxInFlightRequestsPerPartition = maxInFlight };
        return new RecordAccumulator(options, new BufferMemory(options.BufferMemory, _time), _time);
    }

    private static ClusterSnapshot Leaders(string topic, int partitions) => ClusterSnapshot.Empty.With(new MetadataResponse
    {
        Brokers = [new MetadataResponseBroker { NodeId = 0, Host = "127.0.0.1", Port = 1 }],
        Topics = [new MetadataResponseTopic
        {
            Name = topic,
            Partitions = [.. Enumerable.Range(0, partitions).Select(p => new MetadataResponsePartition { PartitionIndex = p, LeaderId = 0 })],
        }],
    }, allTopics: false);

    [Fact]
    public void Opening_a_lingering_batch_is_reported_so_the_sender_can_schedule_it()
    {
        // Regression: a lingering batch was not reported, so a sender with nothing due slept and never sent it.
        using var accumulator = Accumulator(batchSize: 1024, linger: TimeSpan.FromSeconds(1));
        var queue = accumulator.Topic("t").For(0);
        Assert.Equal(AppendResult.BatchOpened, accumulator.Append(queue, new Message(null, [1]), 0, null, 40));
        Assert.Equal(AppendResult.None, accumulator.Append(queue, new Message(null, [2]), 0, null, 40));
    }
}
