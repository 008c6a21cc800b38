using System.Buffers.Binary;
using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Protocol;
using static Broker.Client.Tests.Support.LogReader;

namespace Broker.Client.Tests;

/// <summary>The consumer against the fake broker: positions, resets, seeks, skipping, partial batches, fetch-ahead.</summary>
public class ConsumerTests
{
    private static readonly TopicPartition T0 = new("t", 0);

    [Fact]
    public async Task Records_come_back_in_order_with_keys_values_headers_and_positions()
    {
        await using var cluster = await ClusterWithRecordsAsync(20, batchSize: 200);
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);

        var results = new List<ConsumeResult>();
        while (results.Count < 20 && results.Count < 100)
        {
            results.Add(await consumer.ConsumeAsync(TestOptions.Wait) ?? throw new TimeoutException());
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), results.Select(r => r.Offset));
        Assert.Equal("v7", System.Text.Encoding.UTF8.GetString(results[7].Value!));
        Assert.Equal("k7", System.Text.Encoding.UTF8.GetString(results[7].Key!));
        Assert.Equal("h", Assert.Single(results[7].Headers).Key);
        Assert.Equal(20, consumer.Position(T0));
        Assert.Equal(20, consumer.HighWatermark(T0));
        Assert.Null(await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Latest_starts_at_the_end_and_sees_only_new_records()
    {
        await using var cluster = await ClusterWithRecordsAsync(5);
        await using var consumer = new Consumer(TestOptions.Consumer(cluster, AutoOffsetReset.Latest));
        consumer.Assign([T0]);
        await ProducerTests.WaitUntil(() => consumer.Position(T0) == 5);

        await using (var producer = new Producer(TestOptions.Producer(cluster)))
        {
            await producer.ProduceAsync("t", new Message(null, Utf8("new")));
        }

        var result = await consumer.ConsumeAsync(TestOptions.Wait);
        Assert.Equal(5, result!.Offset);
    }

    [Fact]
    public async Task Seek_into_the_middle_of_a_batch_skips_the_records_below_it()
    {
        // Usually one batch; two when the flush starts while records still wait for the topic's metadata. Either
        // way the largest batch holds at least 15 records, and the seek goes into its middle.
        await using var cluster = await ClusterWithRecordsAsync(30, batchSize: 100_000);
        var largest = cluster.Log("t", 0).Batches.MaxBy(b => BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset)))!;
        var target = BinaryPrimitives.ReadInt64BigEndian(largest) + (BinaryPrimitives.ReadInt32BigEndian(largest.AsSpan(RecordBatchLayout.LastOffsetDeltaOffset)) / 2);
        Assert.True(target > BinaryPrimitives.ReadInt64BigEndian(largest), "the target must lie inside the batch, past its first record");
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);
        consumer.Seek(T0, target);

        var first = await consumer.ConsumeAsync(TestOptions.Wait);

        Assert.Equal(target, first!.Offset);
        Assert.Equal(target + 1, consumer.Position(T0));
    }

    [Fact]
    public async Task Seek_back_discards_buffered_records_and_rereads()
    {
        await using var cluster = await ClusterWithRecordsAsync(10);
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);
        for (var i = 0; i < 5; i++)
        {
            await consumer.ConsumeAsync(TestOptions.Wait);
        }

        consumer.Seek(T0, 2);
        var again = await consumer.ConsumeAsync(TestOptions.Wait);

        Assert.Equal(2, again!.Offset);
    }

    [Fact]
    public async Task A_partial_batch_at_the_end_of_a_fetch_is_ignored_and_fetched_again()
    {
        await using var cluster = await ClusterWithRecordsAsync(30, batchSize: 150);
        cluster.FetchTruncateBytes = 20;
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);

        var offsets = new List<long>();
        var deadline = DateTime.UtcNow + TestOptions.Wait;
        while (offsets.Count < 30 && DateTime.UtcNow < deadline)
        {
            var result = await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(300));
            if (result is null)
            {
                cluster.FetchTruncateBytes = 0; // the last batch can only arrive whole once the cut stops
                continue;
            }

            offsets.Add(result.Offset);
        }

        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), offsets);
    }

    [Fact]
    public async Task Offset_out_of_range_resets_to_the_earliest_offset()
    {
        await using var cluster = await ClusterWithRecordsAsync(10, batchSize: 100);
        cluster.Log("t", 0).LogStartOffset = 4;
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);
        consumer.Seek(T0, 1);

        var result = await consumer.ConsumeAsync(TestOptions.Wait);

        Assert.True(result!.Offset >= 4);
    }

    [Fact]
    public async Task Without_auto_reset_an_out_of_range_offset_is_raised()
    {
        await using var cluster = await ClusterWithRecordsAsync(3);
        await using var consumer = new Consumer(TestOptions.Consumer(cluster, AutoOffsetReset.None));
        consumer.Assign([T0]);

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.ConsumeAsync(TestOptions.Wait).AsTask());
        Assert.Equal(ErrorCode.OffsetOutOfRange, error.Code);

        consumer.Seek(T0, 50);
        error = await Assert.ThrowsAsync<BrokerException>(() => consumer.ConsumeAsync(TestOptions.Wait).AsTask());
        Assert.Equal(ErrorCode.OffsetOutOfRange, error.Code);

        consumer.Seek(T0, 1);
        Assert.Equal(1, (await consumer.ConsumeAsync(TestOptions.Wait))!.Offset);
    }

    [Fact]
    public async Task The_next_fetch_is_in_flight_while_the_application_holds_the_previous_one()
    {
        await using var cluster = await ClusterWithRecordsAsync(40, batchSize: 200);
        var options = TestOptions.Consumer(cluster);
        options.MaxPartitionFetchBytes = 1; // one batch per fetch
        await using var consumer = new Consumer(options);
        consumer.Assign([T0]);

        await consumer.ConsumeAsync(TestOptions.Wait);
        await ProducerTests.WaitUntil(() => cluster.RequestCount(ApiKey.Fetch) >= 2);
        await Task.Delay(200);

        // One response being consumed and one fetched ahead: no more until the application moves on.
        Assert.Equal(2, cluster.RequestCount(ApiKey.Fetch));
    }

    [Fact]
    public async Task A_fetch_held_back_by_full_buffers_is_sent_when_the_application_moves_on()
    {
        await using var cluster = await ClusterWithRecordsAsync(40, batchSize: 200);
        var options = TestOptions.Consumer(cluster);
        var batches = cluster.Log("t", 0).Batches.Count;
        Assert.True(batches >= 4, $"only {batches} batches");
        options.MaxPartitionFetchBytes = 1; // one batch per fetch: a response per batch, all but two of them held back
        options.FetcherIdleWakeInterval = Timeout.InfiniteTimeSpan; // no periodic pass: only Done can send them
        await using var consumer = new Consumer(options);
        consumer.Assign([T0]);

        Assert.Equal(0, (await consumer.ConsumeAsync(TestOptions.Wait))?.Offset);
        // The response being consumed and one fetched ahead: the next fetch is held back until the first is done.
        await ProducerTests.WaitUntil(() => consumer.BufferedResponses == 2);
        Assert.Equal(2, cluster.RequestCount(ApiKey.Fetch));
        for (var offset = 1; offset < 40; offset++)
        {
            Assert.Equal(offset, (await consumer.ConsumeAsync(TestOptions.Wait))?.Offset);
        }

        Assert.True(cluster.RequestCount(ApiKey.Fetch) >= batches);
    }

    [Fact]
    public async Task A_corrupt_batch_is_reported_not_handed_out()
    {
        await using var cluster = await ClusterWithRecordsAsync(2, batchSize: 100);
        var batch = cluster.Log("t", 0).Batches[0];
        batch[^1] ^= 0xFF; // flips a value bit: the CRC no longer matches
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);

        var error = await Assert.ThrowsAsync<BrokerException>(() => consumer.ConsumeAsync(TestOptions.Wait).AsTask());
        Assert.Equal(ErrorCode.CorruptMessage, error.Code);
    }

    [Fact]
    public async Task The_zero_copy_visitor_and_the_async_stream_see_the_same_records()
    {
        await using var cluster = await ClusterWithRecordsAsync(25, batchSize: 300);
        var options = TestOptions.Consumer(cluster);
        options.MaxPartitionFetchBytes = 1; // one batch per fetch, so the stream has records left to read
        await using var consumer = new Consumer(options);
        consumer.Assign([T0]);
        var visited = new List<long>();
        var deadline = DateTime.UtcNow + TestOptions.Wait;
        while (visited.Count < 10 && DateTime.UtcNow < deadline)
        {
            await consumer.ConsumeBatchAsync((_, record) => visited.Add(record.Offset), TestOptions.Wait);
        }

        Assert.InRange(visited.Count, 10, 24);
        var streamed = new List<long>();
        using var cancel = new CancellationTokenSource(TestOptions.Wait);
        await foreach (var result in consumer.ConsumeAllAsync(cancel.Token))
        {
            streamed.Add(result.Offset);
            if (result.Offset == 24)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), visited.Concat(streamed));
    }

    [Fact]
    public async Task Seek_to_end_and_beginning_look_offsets_up()
    {
        await using var cluster = await ClusterWithRecordsAsync(6);
        await using var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);
        consumer.SeekToEnd([T0]);
        await ProducerTests.WaitUntil(() => consumer.Position(T0) == 6);
        consumer.SeekToBeginning([T0]);

        Assert.Equal(0, (await consumer.ConsumeAsync(TestOptions.Wait))!.Offset);
        Assert.Throws<InvalidOperationException>(() => consumer.Seek(new TopicPartition("t", 3), 0));
    }

    [Fact]
    public async Task Blocking_consume_hands_out_the_same_records_and_returns_null_after_its_timeout()
    {
        await using var cluster = await ClusterWithRecordsAsync(20, batchSize: 200);
        var options = TestOptions.Consumer(cluster);
        options.MaxPartitionFetchBytes = 1; // one batch per fetch: several fetches, some while the consumer waits
        await using var consumer = new Consumer(options);
        consumer.Assign([T0]);

        var offsets = await Task.Factory.StartNew(
            () =>
            {
                var seen = new List<long>();
                while (seen.Count < 10 && consumer.Consume(TestOptions.Wait) is { } result)
                {
                    seen.Add(result.Offset);
                }

                // The zero-copy form goes on where the record-at-a-time one stopped.
                while (seen.Count < 20 && consumer.ConsumeBatch((_, record) => seen.Add(record.Offset), TestOptions.Wait) > 0)
                {
                }

                return seen;
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), offsets);
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(0, consumer.ConsumeBatch((_, _) => Assert.Fail("no record was produced"), TimeSpan.FromMilliseconds(100)));
        Assert.Equal(20, consumer.Position(T0));
    }

    [Fact]
    public async Task A_blocked_consume_is_woken_by_a_new_record_and_ended_by_cancellation_or_disposal()
    {
        await using var cluster = await ClusterWithRecordsAsync(1);
        await using var consumer = new Consumer(TestOptions.Consumer(cluster, AutoOffsetReset.Latest));
        consumer.Assign([T0]);
        await ProducerTests.WaitUntil(() => consumer.Position(T0) == 1);

        var waiting = Task.Factory.StartNew(() => consumer.Consume(Timeout.InfiniteTimeSpan), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await using (var producer = new Producer(TestOptions.Producer(cluster)))
        {
            await producer.ProduceAsync("t", new Message(null, Utf8("new")));
        }

        Assert.Equal(1, (await waiting.WaitAsync(TestOptions.Wait))!.Offset);

        using var cancel = new CancellationTokenSource();
        var cancelled = Task.Factory.StartNew(() => consumer.Consume(Timeout.InfiniteTimeSpan, cancel.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TestOptions.Wait));

        var disposed = Task.Factory.StartNew(() => consumer.Consume(Timeout.InfiniteTimeSpan), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await consumer.DisposeAsync(); // the using's own disposal later does nothing
        await Assert.ThrowsAnyAsync<Exception>(() => disposed.WaitAsync(TestOptions.Wait));
        Assert.True(disposed.Exception?.InnerException is ObjectDisposedException or OperationCanceledException, $"ended with {disposed.Exception}");
    }

    /// <summary>A one-partition topic holding <paramref name="count"/> records "k{i}"/"v{i}" with one header each.</summary>
    private static async Task<FakeCluster> ClusterWithRecordsAsync(int count, int batchSize = 16 * 1024)
    {
        var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        var options = TestOptions.Producer(cluster);
        options.BatchSize = batchSize;
        options.Linger = TimeSpan.FromSeconds(5); // the flush sends: batches split only by size
        await using var producer = new Producer(options);
        for (var i = 0; i < count; i++)
        {
            producer.Produce("t", new Message(Utf8($"k{i}"), Utf8($"v{i}")) { Headers = [new RecordHeader("h", [1])] });
        }

        await producer.FlushAsync().WaitAsync(TestOptions.Wait);
        return cluster;
    }
}
