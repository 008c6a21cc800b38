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
        var sealedFull = Enumerable.Range(0, 4).Select(i => accumulator.Append(queue, message, 0, null, 300, out _)).ToList();

        Assert.Equal([false, false, false, true], sealedFull);
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
            accumulator.Append(queue, message, 0, null, 300, out _);
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
        accumulator.Append(accumulator.Topic("t").For(0), new Message(null, [1]), 0, null, 40, out _);
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
        accumulator.Append(topic.For(0), new Message(null, [1]), 0, null, 40, out _);

        accumulator.Drain(Leaders("t", 1), everything: true, pass);
        Assert.Single(pass.ByLeader);
        Assert.Equal(0, topic.StickyPartition);

        accumulator.Append(topic.For(0), new Message(null, [1]), 0, null, 40, out _);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        Assert.Single(pass.ByLeader);
        Assert.Equal(-1, topic.StickyPartition);
    }

    [Fact]
    public void A_partition_with_a_full_window_is_not_drained_again_until_a_request_finishes()
    {
        using var accumulator = Accumulator(batchSize: 100, linger: TimeSpan.Zero, maxInFlight: 1);
        var queue = accumulator.Topic("t").For(0);
        var pass = new DrainPass();
        accumulator.Append(queue, new Message(null, new byte[80]), 0, null, 120, out _);
        accumulator.Drain(Leaders("t", 1), everything: false, pass);
        var first = Assert.Single(Assert.Single(pass.ByLeader).Value);
        accumulator.Append(queue, new Message(null, new byte[80]), 0, null, 120, out _);

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
        accumulator.Append(accumulator.Topic("other").For(0), new Message(null, [1]), 0, null, 40, out _);
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
                accumulator.Append(queue, message, i, callback, 150, out _);
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
        Assert.False(accumulator.Append(queue, new Message(null, [1]), 0, null, 40, out var opened));
        Assert.True(opened);
        accumulator.Append(queue, new Message(null, [2]), 0, null, 40, out opened);
        Assert.False(opened);
    }
}
