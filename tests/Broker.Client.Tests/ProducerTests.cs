using System.Collections.Concurrent;
using Broker.Client.Tests.Support;
using Broker.Core.Compression;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Protocol;
using Broker.Protocol.Messages.Produce;
using static Broker.Client.Tests.Support.LogReader;

namespace Broker.Client.Tests;

/// <summary>The producer against the fake broker: delivery, partitioning, retries, ordering, failures.</summary>
public class ProducerTests
{
    [Fact]
    public async Task ProduceAsync_returns_the_offset_the_broker_assigned()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        await using var producer = new Producer(TestOptions.Producer(cluster));

        var first = await producer.ProduceAsync("t", new Message(null, Utf8("a")));
        var second = await producer.ProduceAsync("t", new Message(null, Utf8("b")) { TimestampMs = 1234 });

        Assert.Equal(("t", 0, 0L), (first.Topic, first.Partition, first.Offset));
        Assert.Equal((1L, 1234L), (second.Offset, second.TimestampMs));
        Assert.Equal([(0L, null, "a"), (1L, null, "b")], Records(cluster.Log("t", 0)));
    }

    [Fact]
    public async Task Produce_with_a_callback_reports_every_record_in_order_and_flush_waits_for_them()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        await using var producer = new Producer(WithLinger(TestOptions.Producer(cluster), TimeSpan.FromMilliseconds(50)));
        var reports = new ConcurrentQueue<DeliveryReport>();

        for (var i = 0; i < 1000; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"v{i}")), reports.Enqueue);
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), reports.Select(r => r.Offset));
        Assert.All(reports, r => Assert.True(r.IsSuccess));
    }

    [Fact]
    public async Task Keyed_records_land_on_the_murmur2_partition_and_an_explicit_partition_wins()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 10);
        await using var producer = new Producer(TestOptions.Producer(cluster));

        var keyed = await producer.ProduceAsync("t", new Message(Utf8("abc"), Utf8("x")));
        var pinned = await producer.ProduceAsync("t", new Message(Utf8("abc"), Utf8("y")) { Partition = 2 });

        Assert.Equal(7, keyed.Partition); // toPositive(murmur2("abc")) % 10, as Kafka computes it
        Assert.Equal(2, pinned.Partition);
        await Assert.ThrowsAsync<BrokerException>(() => producer.ProduceAsync("t", new Message(null, null) { Partition = 10 }).AsTask());
    }

    [Fact]
    public async Task Keyless_records_stick_to_one_partition_until_its_batch_is_full()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 8);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 1024;
        options.Linger = TimeSpan.FromSeconds(5);
        await using var producer = new Producer(options);
        // The topic's metadata first (one record to partition 0, alone in its batch): records produced before it is
        // known are held and appended later, while the flush below already sends whatever is open.
        var warmUp = producer.ProduceAsync("t", new Message(null, [1]) { Partition = 0 });
        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        await warmUp;
        var partitions = new ConcurrentQueue<int>();

        for (var i = 0; i < 40; i++)
        {
            producer.Produce("t", new Message(null, new byte[100]), r => partitions.Enqueue(r.Partition));
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        Assert.Equal(40, partitions.Count);
        var batches = Enumerable.Range(0, 8)
            .Select(p => cluster.Log("t", p).Batches.Skip(p == 0 ? 1 : 0).Select(b => RecordBatchHeader.Read(b).RecordCount).ToList())
            .ToList();
        // Moved on after each full batch, and only then: 1 KiB holds 8 of these records, so 40 seal 4 batches and
        // pick at most 5 partitions (the next one is random, and may come up again, as in Kafka). Spread per record,
        // 40 records would reach all 8.
        Assert.InRange(batches.Count(b => b.Count > 0), 2, 5);
        // The record that did not fit started the next partition's batch: every batch is full but the one the flush
        // took. Opening a batch for it where it did not fit left a batch of one behind at each move.
        var sizes = batches.SelectMany(b => b).ToList();
        Assert.Equal(40, sizes.Sum());
        Assert.True(sizes.Count(n => n < sizes.Max()) <= 1, $"batches of {string.Join(", ", sizes)} records");
    }

    [Fact]
    public async Task Metadata_older_than_MetadataMaxAge_is_refreshed_while_producing()
    {
        // New partitions and moved leaders are found this way without an error to report them.
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.MetadataMaxAge = TimeSpan.FromMilliseconds(100);
        await using var producer = new Producer(options);
        await producer.ProduceAsync("t", new Message(null, [1]));
        var before = cluster.RequestCount(ApiKey.Metadata);

        var deadline = DateTime.UtcNow + TestOptions.Wait;
        while (cluster.RequestCount(ApiKey.Metadata) == before && DateTime.UtcNow < deadline)
        {
            producer.Produce("t", new Message(null, [2]));
            await Task.Delay(20);
        }

        Assert.True(cluster.RequestCount(ApiKey.Metadata) > before, "no Metadata request after MetadataMaxAge");
    }

    [Fact]
    public async Task NotLeaderOrFollower_refreshes_metadata_and_the_retry_reaches_the_new_leader()
    {
        await using var cluster = new FakeCluster(brokers: 2);
        cluster.CreateTopic("t", 1, leader: 0);
        await using var producer = new Producer(TestOptions.Producer(cluster));
        await producer.ProduceAsync("t", new Message(null, Utf8("before")));
        var metadataBefore = cluster.RequestCount(ApiKey.Metadata);

        cluster.SetLeader("t", 0, 1);
        var result = await producer.ProduceAsync("t", new Message(null, Utf8("after"))).AsTask().WaitAsync(TestOptions.Wait);

        Assert.Equal(1, result.Offset);
        Assert.True(cluster.RequestCount(ApiKey.Metadata) > metadataBefore);
        Assert.Equal([(0L, null, "before"), (1L, null, "after")], Records(cluster.Log("t", 0)));
    }

    [Fact]
    public async Task Retries_keep_a_partitions_records_in_order()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.InjectProduceErrors("t", 0, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderOrFollower);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = 200;
        await using var producer = new Producer(options);
        var reports = new ConcurrentQueue<DeliveryReport>();

        for (var i = 0; i < 200; i++)
        {
            producer.Produce("t", new Message(null, Utf8($"{i}")), reports.Enqueue);
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        Assert.All(reports, r => Assert.True(r.IsSuccess, r.ErrorMessage));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"{i}"), Records(cluster.Log("t", 0)).Select(r => r.Value));
    }

    [Fact]
    public async Task A_non_retriable_error_reaches_the_caller_with_its_code_and_is_not_retried()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.InjectProduceErrors("t", 0, ErrorCode.MessageTooLarge);
        await using var producer = new Producer(TestOptions.Producer(cluster));
        var report = new TaskCompletionSource<DeliveryReport>();

        producer.Produce("t", new Message(null, Utf8("big")), r => report.TrySetResult(r));
        var delivered = await report.Task.WaitAsync(TestOptions.Wait);

        Assert.Equal(ErrorCode.MessageTooLarge, delivered.Error);
        Assert.Contains("MESSAGE_TOO_LARGE", delivered.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(-1, delivered.Offset);
        Assert.Equal(1, cluster.RequestCount(ApiKey.Produce));
        var thrown = await Assert.ThrowsAsync<BrokerException>(async () =>
        {
            cluster.InjectProduceErrors("t", 0, ErrorCode.InvalidRecord);
            await producer.ProduceAsync("t", new Message(null, Utf8("bad")));
        });
        Assert.Equal(ErrorCode.InvalidRecord, thrown.Code);
    }

    [Fact]
    public async Task A_dropped_connection_fails_the_request_in_flight_and_the_retry_reconnects()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        await using var producer = new Producer(TestOptions.Producer(cluster));
        await producer.ProduceAsync("t", new Message(null, Utf8("warm")));
        var drops = 0;
        cluster.DropConnectionOn = api => api == ApiKey.Produce && Interlocked.Increment(ref drops) == 1;

        var result = await producer.ProduceAsync("t", new Message(null, Utf8("x"))).AsTask().WaitAsync(TestOptions.Wait);

        Assert.Equal(1, result.Offset);
        Assert.True(cluster.Brokers[0].ConnectionsAccepted >= 2);
    }

    [Fact]
    public async Task Records_for_a_topic_that_never_appears_fail_through_the_callback_after_max_block()
    {
        await using var cluster = new FakeCluster();
        var options = TestOptions.Producer(cluster);
        options.MaxBlock = TimeSpan.FromMilliseconds(300);
        await using var producer = new Producer(options);
        var report = new TaskCompletionSource<DeliveryReport>();

        producer.Produce("missing", new Message(null, Utf8("x")), r => report.TrySetResult(r));

        var failed = await report.Task.WaitAsync(TestOptions.Wait);
        Assert.Equal(ErrorCode.RequestTimedOut, failed.Error);
        Assert.Contains("missing", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(options.BufferMemory, producer.AvailableBufferBytes);
    }

    [Fact]
    public async Task Records_time_out_when_no_leader_ever_appears()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1, leader: 5); // a node that does not exist
        var options = TestOptions.Producer(cluster);
        options.RequestTimeout = TimeSpan.FromMilliseconds(200);
        options.DeliveryTimeout = TimeSpan.FromMilliseconds(400);
        await using var producer = new Producer(options);

        var error = await Assert.ThrowsAsync<BrokerException>(() => producer.ProduceAsync("t", new Message(null, Utf8("x"))).AsTask().WaitAsync(TestOptions.Wait));

        Assert.Equal(ErrorCode.RequestTimedOut, error.Code);
        Assert.Contains("Delivery timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_buffer_blocks_Produce_until_max_block_then_fails_clearly()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        cluster.ProduceDelay = TimeSpan.FromSeconds(1);
        var options = TestOptions.Producer(cluster);
        options.BufferMemory = 64 * 1024;
        options.MaxRequestBytes = 32 * 1024;
        options.BatchSize = 16 * 1024;
        options.MaxBlock = TimeSpan.FromMilliseconds(200);
        await using var producer = new Producer(options);
        await producer.ProduceAsync("t", new Message(null, [1]));

        var error = Assert.Throws<BrokerException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                producer.Produce("t", new Message(null, new byte[1000]));
            }
        });

        Assert.Contains("MaxBlock", error.Message, StringComparison.Ordinal);
        Assert.True(producer.AvailableBufferBytes < 2000);
        cluster.ProduceDelay = TimeSpan.Zero;
        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        // A batch's memory goes back just after its records' outcomes, which is what the flush waits for.
        await WaitUntil(() => producer.AvailableBufferBytes == options.BufferMemory);
    }

    [Fact]
    public void A_record_larger_than_a_request_is_refused_at_once()
    {
        var options = new ProducerOptions { BootstrapServers = "127.0.0.1:1", MaxRequestBytes = 4096, BatchSize = 4096, BufferMemory = 8192, MaxBlock = TimeSpan.FromMilliseconds(10) };
        var producer = new Producer(options);
        var error = Assert.Throws<BrokerException>(() => producer.Produce("t", new Message(null, new byte[5000])));
        Assert.Equal(ErrorCode.MessageTooLarge, error.Code);
        _ = producer.DisposeAsync();
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Zstd)]
    [InlineData(CompressionType.Lz4)]
    public async Task Compressed_batches_reach_the_log_readable(CompressionType compression)
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.Compression = compression;
        await using var producer = new Producer(options);

        var errors = new ConcurrentQueue<string>();
        for (var i = 0; i < 50; i++)
        {
            producer.Produce("t", new Message(Utf8("k"), Utf8($"value {i}")), r => { if (!r.IsSuccess) errors.Enqueue(r.ErrorMessage!); });
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        Assert.Empty(errors);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"value {i}"), Records(cluster.Log("t", 0)).Select(r => r.Value));
        Assert.All(cluster.Log("t", 0).Batches, b => Assert.Equal((byte)compression, b[22] & 7));
    }

    [Fact]
    public async Task Acks_zero_gets_no_response_and_reports_offset_minus_one()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.Acks = ProduceAcks.None;
        await using var producer = new Producer(options);

        var result = await producer.ProduceAsync("t", new Message(null, Utf8("fire"))).AsTask().WaitAsync(TestOptions.Wait);

        Assert.Equal(-1, result.Offset);
        await WaitUntil(() => cluster.Log("t", 0).HighWatermark == 1);
    }

    [Fact]
    public async Task Dispose_delivers_what_is_buffered()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.Linger = TimeSpan.FromSeconds(30);
        options.DeliveryTimeout = TimeSpan.FromMinutes(1);
        var producer = new Producer(options);
        var delivered = 0;
        for (var i = 0; i < 10; i++)
        {
            producer.Produce("t", new Message(null, Utf8("x")), r => Interlocked.Increment(ref delivered));
        }

        await producer.DisposeAsync().AsTask().WaitAsync(TestOptions.Wait);

        Assert.Equal(10, delivered);
        Assert.Equal(10, cluster.Log("t", 0).HighWatermark);
        Assert.Throws<ObjectDisposedException>(() => producer.Produce("t", new Message()));
    }

    [Fact]
    public async Task Produce_after_warm_up_allocates_nothing_per_record_on_the_calling_thread()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.Linger = TimeSpan.FromMilliseconds(20);
        await using var producer = new Producer(options);
        var message = new Message(null, new byte[100]);
        Action<DeliveryReport> callback = _ => { };
        void ProduceMany()
        {
            for (var i = 0; i < 20_000; i++)
            {
                producer.Produce("t", message, callback);
            }
        }

        ProduceMany();
        await producer.FlushAsync();
        var fewest = long.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            ProduceMany();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            await producer.FlushAsync();
        }

        // Any per-record object is at least 24 bytes. What remains is per batch (~140 per run): a thread-pool work
        // item when the sender is woken, a new pooled batch when more are in flight than ever before.
        Assert.True(fewest < 20_000 * 8, $"20,000 records allocated {fewest} bytes on the producing thread");
    }

    private static ProducerOptions WithLinger(ProducerOptions options, TimeSpan linger)
    {
        options.Linger = linger;
        return options;
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestOptions.Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
