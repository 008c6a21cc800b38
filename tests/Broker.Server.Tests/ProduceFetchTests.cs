using Broker.Core.Compression;
using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.ListOffsets;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

public sealed class ProduceFetchTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Produced_batches_are_fetched_back_with_their_offsets_keys_and_values()
    {
        using var client = _broker.Connect();
        var created = await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("orders", 2));
        Assert.Equal(ErrorCode.None, Assert.Single(created.Topics).ErrorCode);

        var first = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("orders", 1, Requests.Batch(3)));
        var second = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("orders", 1, Requests.Batch(2, first: 3, compression: CompressionType.Lz4)));
        Assert.Equal((ErrorCode.None, 0L), (first.Topics[0].Partitions[0].ErrorCode, first.Topics[0].Partitions[0].BaseOffset));
        Assert.Equal(3, second.Topics[0].Partitions[0].BaseOffset);

        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("orders", 1, 0));
        var partition = fetched.Topics[0].Partitions[0];
        Assert.Equal(ErrorCode.None, partition.ErrorCode);
        Assert.Equal(5, partition.HighWatermark);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ((long)i, $"key-{i}", $"value-{i}")), Requests.Records(partition));
    }

    [Fact]
    public async Task Requests_that_reach_a_log_closed_by_its_deletion_get_a_retriable_error_and_the_connection_stays()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("doomed", 1));
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("doomed", 0, Requests.Batch(2)));

        // The moment of a deletion in which the log is closed but the partition is still hosted.
        Assert.True(_broker.Host.Runtime.Logs.DeleteLog(new Broker.Core.TopicPartition("doomed", 0)));

        var produced = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("doomed", 0, Requests.Batch(1)));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, produced.Topics[0].Partitions[0].ErrorCode);
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("doomed", 0, 0));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, fetched.Topics[0].Partitions[0].ErrorCode);
        var byTime = new ListOffsetsRequest { Topics = [new ListOffsetsRequestTopic { Name = "doomed", Partitions = [new() { PartitionIndex = 0, Timestamp = 0 }] }] };
        var listed = await client.SendAsync<ListOffsetsRequest, ListOffsetsResponse>(byTime);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, listed.Topics[0].Partitions[0].ErrorCode);
        var versions = await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        Assert.Equal(ErrorCode.None, versions.ErrorCode);
    }

    [Fact]
    public async Task Large_pipelined_produce_requests_are_all_answered_in_order()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("bulk", 1));
        var batch = Requests.Batch(900, valueBytes: 1100); // about 1 MiB per request
        var ids = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await client.SendOnlyAsync(Requests.Produce("bulk", 0, batch)));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            using var frame = await client.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(ids[i], frame!.Value.CorrelationId);
            var response = frame.Value.ReadBody<ProduceResponse>(0);
            Assert.Equal((ErrorCode.None, 900L * i), (response.Topics[0].Partitions[0].ErrorCode, response.Topics[0].Partitions[0].BaseOffset));
        }
    }

    [Fact]
    public async Task Metadata_lists_the_broker_and_each_partitions_leader()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("events", 3));

        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["events", "missing"] });

        var broker = Assert.Single(metadata.Brokers);
        Assert.Equal(_broker.Host.ClientEndPoint.Port, broker.Port);
        Assert.Equal(ErrorCode.None, metadata.Topics[0].ErrorCode);
        Assert.Equal([0, 1, 2], metadata.Topics[0].Partitions.Select(p => p.PartitionIndex));
        Assert.All(metadata.Topics[0].Partitions, p => Assert.Equal(broker.NodeId, p.LeaderId));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, metadata.Topics[1].ErrorCode);
    }

    [Fact]
    public async Task List_offsets_finds_earliest_latest_and_by_timestamp()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("times", 1));
        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("times", 0, Requests.Batch(1, first: i * 10)));
        }

        var request = new ListOffsetsRequest
        {
            Topics = [new ListOffsetsRequestTopic { Name = "times", Partitions = [new() { PartitionIndex = 0, Timestamp = -2 }, new() { PartitionIndex = 0, Timestamp = -1 }, new() { PartitionIndex = 0, Timestamp = 1_700_000_000_000 + 45 }] }],
        };
        var offsets = (await client.SendAsync<ListOffsetsRequest, ListOffsetsResponse>(request)).Topics[0].Partitions;

        Assert.Equal([0L, 10L, 5L], offsets.Select(p => p.Offset));
        Assert.Equal(1_700_000_000_000 + 50, offsets[2].Timestamp);
    }

    [Fact]
    public async Task A_fetch_at_the_end_waits_and_wakes_when_data_arrives()
    {
        using var consumer = _broker.Connect();
        using var producer = _broker.Connect();
        await producer.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("tail", 1));

        var waiting = consumer.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("tail", 0, 0, maxWaitMs: 30_000, minBytes: 1));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("tail", 0, Requests.Batch(1)));

        // Woken by the append: records present, long before the 30 s wait would have ended with none.
        var fetched = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Single(Requests.Records(fetched.Topics[0].Partitions[0]));
    }

    [Fact]
    public async Task A_fetch_that_waits_does_not_hold_back_the_answers_to_the_requests_before_it()
    {
        using var consumer = _broker.Connect();
        using var producer = _broker.Connect();
        await producer.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("polled", 1));

        // One write, so the broker reads both requests at once and answers the first only when it flushes.
        var pipelined = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(pipelined, 101, "raw-test", 0, new ApiVersionsRequest());
        FrameWriter.WriteRequest(pipelined, 102, "raw-test", 0, Requests.Fetch("polled", 0, 0, maxWaitMs: 30_000, minBytes: 1));
        await consumer.SendBytesAsync(pipelined.WrittenMemory);

        // Well before the 30 s the fetch may wait.
        using (var versions = await consumer.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(101, versions!.Value.CorrelationId);
        }

        await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("polled", 0, Requests.Batch(1)));
        using var fetched = await consumer.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(102, fetched!.Value.CorrelationId);
        Assert.Single(Requests.Records(fetched.Value.ReadBody<FetchResponse>(0).Topics[0].Partitions[0]));
    }

    [Fact]
    public async Task A_fetch_with_no_data_returns_empty_after_its_max_wait()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("quiet", 1));
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("quiet", 0, 0, maxWaitMs: 200, minBytes: 1));
        Assert.Equal(ErrorCode.None, fetched.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(0, fetched.Topics[0].Partitions[0].Records.Length);
    }

    [Fact]
    public async Task A_fetch_of_several_partitions_waits_for_data_on_any_and_returns_empty_after_its_max_wait()
    {
        using var client = _broker.Connect();
        using var producer = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("pair", 2));
        var both = Requests.Fetch("pair", 0, 0, maxWaitMs: 200, minBytes: 1);
        both = new FetchRequest
        {
            MaxWaitMs = both.MaxWaitMs,
            MinBytes = both.MinBytes,
            MaxBytes = both.MaxBytes,
            Topics = [new FetchRequestTopic { Name = "pair", Partitions = [both.Topics[0].Partitions[0], both.Topics[0].Partitions[0] with { PartitionIndex = 1 }] }],
        };

        var empty = await client.SendAsync<FetchRequest, FetchResponse>(both);
        Assert.All(empty.Topics[0].Partitions, p => Assert.Equal(0, p.Records.Length));

        var waiting = client.SendAsync<FetchRequest, FetchResponse>(new FetchRequest { MaxWaitMs = 30_000, MinBytes = 1, MaxBytes = both.MaxBytes, Topics = both.Topics });
        await producer.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("pair", 1, Requests.Batch(2)));
        var woken = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, woken.Topics[0].Partitions[0].Records.Length);
        Assert.NotEqual(0, woken.Topics[0].Partitions[1].Records.Length);
    }

    [Fact]
    public async Task A_large_first_batch_is_returned_whole_past_the_partition_limit()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("big", 1));
        var batch = Requests.Batch(10, valueBytes: 1000);
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("big", 0, batch));

        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("big", 0, 0, partitionMaxBytes: 100));
        Assert.Equal(batch.Length, fetched.Topics[0].Partitions[0].Records.Length);
    }

    [Fact]
    public async Task Data_survives_a_clean_restart()
    {
        using (var client = _broker.Connect())
        {
            await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("durable", 1, ("flush", "always")));
            await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("durable", 0, Requests.Batch(4), ProduceAcks.All));
        }

        await _broker.RestartAsync();

        using var again = _broker.Connect();
        var fetched = await again.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("durable", 0, 0));
        Assert.Equal(4, Requests.Records(fetched.Topics[0].Partitions[0]).Count);
        Assert.True(File.Exists(Path.Combine(_broker.DataDir, "durable-0", "00000000000000000000.log")));
    }
}
