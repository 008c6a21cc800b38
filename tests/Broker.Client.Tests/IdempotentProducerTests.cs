using System.Collections.Concurrent;
using Broker.Client.Tests.Support;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Protocol;
using Broker.Protocol.Messages.Produce;
using static Broker.Client.Tests.Support.LogReader;

namespace Broker.Client.Tests;

/// <summary>
/// The idempotent producer against the fake broker (which checks sequences as the real one does): producer ids,
/// sequences kept across retries, the in-flight window, and recovery from sequence errors.
/// </summary>
public class IdempotentProducerTests
{
    [Fact]
    public async Task The_producer_gets_one_id_and_numbers_each_partitions_records_from_0()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 2);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 200;
        await using var producer = new Producer(options);

        for (var i = 0; i < 100; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i}")) { Partition = i % 2 });
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        Assert.Equal(1, cluster.RequestCount(ApiKey.InitProducerId));
        foreach (var partition in new[] { 0, 1 })
        {
            var headers = cluster.Log("t", partition).Batches.Select(b => RecordBatchHeader.Read(b)).ToList();
            Assert.All(headers, h => Assert.Equal((1000L, (short)0), (h.ProducerId, h.ProducerEpoch)));
            var expected = 0;
            foreach (var header in headers)
            {
                Assert.Equal(expected, header.BaseSequence);
                expected += header.RecordCount;
            }

            Assert.Equal(50, expected);
        }
    }

    [Fact]
    public async Task Up_to_five_requests_are_in_flight_for_one_partition_and_land_in_order()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 100;
        options.MaxRequestBytes = 1024; // about nine batches a request, so the records need many requests
        options.Linger = TimeSpan.Zero;
        await using var producer = new Producer(options);
        for (var i = 0; i < 300; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i:D3}-{new string('x', 40)}")));
        }

        await ProducerTests.WaitUntil(() => cluster.ProduceRequestsPending == 5);
        cluster.ProduceGate.SetResult();
        await producer.FlushAsync().WaitAsync(TestOptions.Wait);

        Assert.Equal(5, cluster.ProduceRequestsPendingMax);
        var values = Records(cluster.Log("t", 0)).Select(r => r.Value![..3]).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"{i:D3}"), values);
    }

    [Fact]
    public async Task A_lost_acknowledgement_is_retried_with_the_same_sequence_and_stored_once()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 200;
        await using var producer = new Producer(options);
        await producer.ProduceAsync("t", new Message(null, Utf8("first")));
        var losses = 0;
        cluster.LoseProduceAcknowledgement = () => Interlocked.Increment(ref losses) <= 2;
        var reports = new ConcurrentQueue<DeliveryReport>();

        for (var i = 0; i < 100; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i}")), reports.Enqueue);
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        var log = cluster.Log("t", 0);
        Assert.All(reports, r => Assert.True(r.IsSuccess, r.ErrorMessage));
        Assert.Equal(["first", .. Enumerable.Range(0, 100).Select(i => $"{i}")], Records(log).Select(r => r.Value));
        Assert.True(log.DuplicatesRecognised >= 1, "the retry of an appended request was recognised");
        // Every record's reported offset is where it really is, retried or not.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), reports.Select(r => r.Offset).Order());
        Assert.True(log.SequencesReceived.Count > log.SequencesReceived.Distinct().Count(), "a sequence was sent twice");
    }

    [Fact]
    public async Task Retriable_errors_with_a_full_window_keep_every_record_once_and_in_order()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.InjectProduceErrors("t", 0, ErrorCode.NotEnoughReplicas, ErrorCode.None, ErrorCode.RequestTimedOut);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 100;
        options.MaxRequestBytes = 1024; // about nine batches a request, so the records need many requests
        options.Linger = TimeSpan.Zero;
        await using var producer = new Producer(options);
        var reports = new ConcurrentQueue<DeliveryReport>();

        for (var i = 0; i < 200; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i:D3}-{new string('y', 40)}")), reports.Enqueue);
        }

        await ProducerTests.WaitUntil(() => cluster.ProduceRequestsPending == 5);
        cluster.ProduceGate.SetResult();
        await producer.FlushAsync().WaitAsync(TestOptions.Wait);

        Assert.All(reports, r => Assert.True(r.IsSuccess, r.ErrorMessage));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"{i:D3}"), Records(cluster.Log("t", 0)).Select(r => r.Value![..3]));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), reports.Select(r => r.Offset));
    }

    [Fact]
    public async Task A_request_failing_for_good_leaves_no_gap_the_later_ones_are_renumbered()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.InjectProduceErrors("t", 0, ErrorCode.MessageTooLarge);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 100;
        options.MaxRequestBytes = 1024; // about nine batches a request, so the records need many requests
        options.Linger = TimeSpan.Zero;
        await using var producer = new Producer(options);
        var reports = new ConcurrentQueue<DeliveryReport>();

        for (var i = 0; i < 100; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i:D3}-{new string('z', 40)}")), reports.Enqueue);
        }

        await ProducerTests.WaitUntil(() => cluster.ProduceRequestsPending == 5);
        cluster.ProduceGate.SetResult();
        await producer.FlushAsync().WaitAsync(TestOptions.Wait);

        var failed = reports.TakeWhile(r => !r.IsSuccess).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, r => Assert.Equal(ErrorCode.MessageTooLarge, r.Error));
        Assert.All(reports.Skip(failed.Count), r => Assert.True(r.IsSuccess, r.ErrorMessage));
        Assert.Equal(Enumerable.Range(failed.Count, 100 - failed.Count).Select(i => $"{i:D3}"), Records(cluster.Log("t", 0)).Select(r => r.Value![..3]));
        var headers = cluster.Log("t", 0).Batches.Select(b => RecordBatchHeader.Read(b)).ToList();
        Assert.Equal(0, headers[0].BaseSequence);
    }

    [Fact]
    public async Task An_unknown_producer_id_renumbers_the_partition_from_0_and_nothing_is_lost()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        await using var producer = new Producer(TestOptions.Producer(cluster));
        await producer.ProduceAsync("t", new Message(null, Utf8("before")));
        await producer.ProduceAsync("t", new Message(null, Utf8("before-2")));
        cluster.Log("t", 0).ForgetProducers();

        var after = await producer.ProduceAsync("t", new Message(null, Utf8("after"))).AsTask().WaitAsync(TestOptions.Wait);

        Assert.Equal(2, after.Offset);
        Assert.Equal(["before", "before-2", "after"], Records(cluster.Log("t", 0)).Select(r => r.Value));
        Assert.Equal(0, RecordBatchHeader.Read(cluster.Log("t", 0).Batches[^1]).BaseSequence);
    }

    [Fact]
    public async Task An_out_of_order_sequence_on_the_oldest_request_fails_it_and_a_new_epoch_carries_on()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        await using var producer = new Producer(TestOptions.Producer(cluster));
        await producer.ProduceAsync("t", new Message(null, Utf8("ok")));
        cluster.InjectProduceErrors("t", 0, ErrorCode.OutOfOrderSequenceNumber);

        var refused = await Assert.ThrowsAsync<BrokerException>(async () => await producer.ProduceAsync("t", new Message(null, Utf8("lost"))));
        var next = await producer.ProduceAsync("t", new Message(null, Utf8("next"))).AsTask().WaitAsync(TestOptions.Wait);

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, refused.Code);
        Assert.Equal(1, next.Offset);
        var last = RecordBatchHeader.Read(cluster.Log("t", 0).Batches[^1]);
        Assert.Equal(((short)1, 0), (last.ProducerEpoch, last.BaseSequence));
    }

    [Fact]
    public async Task Without_idempotence_there_is_no_producer_id_and_requests_still_pipeline()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = TestOptions.Producer(cluster);
        options.Acks = ProduceAcks.Leader;
        options.BatchSize = 100;
        options.MaxRequestBytes = 1024; // about nine batches a request, so the records need many requests
        options.Linger = TimeSpan.Zero;
        options.MaxInFlightRequestsPerPartition = 3;
        await using var producer = new Producer(options);

        for (var i = 0; i < 100; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i:D3}-{new string('w', 40)}")));
        }

        await ProducerTests.WaitUntil(() => cluster.ProduceRequestsPending == 3);
        cluster.ProduceGate.SetResult();
        await producer.FlushAsync().WaitAsync(TestOptions.Wait);

        Assert.Equal(0, cluster.RequestCount(ApiKey.InitProducerId));
        Assert.Equal(3, cluster.ProduceRequestsPendingMax);
        Assert.All(cluster.Log("t", 0).Batches, b => Assert.Equal(-1L, RecordBatchHeader.Read(b).ProducerId));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{i:D3}"), Records(cluster.Log("t", 0)).Select(r => r.Value![..3]));
    }
}
