using Broker.Core.Errors;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>Fetch's byte limits over real sockets (Kafka's KIP-74 rule): max_bytes caps the response and
/// partition_max_bytes each partition, in whole batches, except that the first partition with data always gets its
/// first batch whole, so a batch larger than the limits cannot stall a consumer.</summary>
public sealed class FetchByteLimitTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Past_max_bytes_the_first_partition_with_data_gets_one_whole_batch_and_the_next_is_left_empty()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("capped", 3));
        var big = new[] { Requests.Batch(1, valueBytes: 1500), Requests.Batch(1, first: 1, valueBytes: 1500), Requests.Batch(1, first: 2, valueBytes: 1500) };
        await ProduceAsync(client, "capped", 1, big[0], big[1]);
        await ProduceAsync(client, "capped", 2, big[2]);

        // Partition 0 is empty, so partition 1 is the first with data.
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.FetchPartitions("capped", maxBytes: 1000, partitionMaxBytes: 1 << 20, (0, 0), (1, 0), (2, 0)));

        var partitions = fetched.Topics[0].Partitions;
        Assert.All(partitions, p => Assert.Equal(ErrorCode.None, p.ErrorCode));
        Assert.Equal(0, partitions[0].Records.Length);
        Assert.Equal(big[0].Length, partitions[1].Records.Length);
        Assert.Equal(["key-0"], Requests.Records(partitions[1]).Select(r => r.Key));
        // Empty, but its high watermark tells the consumer there is more to fetch.
        Assert.Equal((0, 1L), (partitions[2].Records.Length, partitions[2].HighWatermark));
    }

    [Fact]
    public async Task Partitions_share_max_bytes_in_whole_batches_in_request_order()
    {
        using var client = _broker.Connect();
        var size = await ThreeBatchesOnTwoPartitionsAsync(client, "shared");

        // Room for two batches of partition 0 and one of partition 1 (not for a fourth whole batch).
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.FetchPartitions("shared", maxBytes: (3 * size) + (size / 2), partitionMaxBytes: (2 * size) + (size / 2), (0, 0), (1, 0)));

        var partitions = fetched.Topics[0].Partitions;
        Assert.Equal([0L, 1L], Requests.Records(partitions[0]).Select(r => r.Offset));
        Assert.Equal([0L], Requests.Records(partitions[1]).Select(r => r.Offset));
        Assert.Equal([2 * size, size], partitions.Select(p => p.Records.Length));
    }

    [Fact]
    public async Task Each_partition_gets_whole_batches_up_to_its_partition_max_bytes()
    {
        using var client = _broker.Connect();
        var size = await ThreeBatchesOnTwoPartitionsAsync(client, "portions");

        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.FetchPartitions("portions", maxBytes: 1 << 20, partitionMaxBytes: (2 * size) + (size / 2), (0, 0), (1, 1)));

        var partitions = fetched.Topics[0].Partitions;
        Assert.Equal([0L, 1L], Requests.Records(partitions[0]).Select(r => r.Offset));
        Assert.Equal([1L, 2L], Requests.Records(partitions[1]).Select(r => r.Offset));
        Assert.All(partitions, p => Assert.Equal(2 * size, p.Records.Length));
    }

    [Fact]
    public async Task A_batch_larger_than_partition_max_bytes_is_sent_whole_only_for_the_first_partition_with_data()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("oversize", 2));
        var big = new[] { Requests.Batch(1, valueBytes: 1500), Requests.Batch(1, first: 1, valueBytes: 1500) };
        await ProduceAsync(client, "oversize", 0, big[0]);
        await ProduceAsync(client, "oversize", 1, big[1]);

        // max_bytes has room for both: only partition_max_bytes keeps the second partition's batch out.
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.FetchPartitions("oversize", maxBytes: 1 << 20, partitionMaxBytes: 1000, (0, 0), (1, 0)));

        var partitions = fetched.Topics[0].Partitions;
        Assert.Equal(big[0].Length, partitions[0].Records.Length);
        Assert.Equal(["key-0"], Requests.Records(partitions[0]).Select(r => r.Key));
        Assert.Equal((ErrorCode.None, 0, 1L), (partitions[1].ErrorCode, partitions[1].Records.Length, partitions[1].HighWatermark));
    }

    /// <summary>Creates <paramref name="topic"/> with 2 partitions holding the same 3 one-record batches of 200-byte
    /// values each; returns the size of one batch.</summary>
    private static async Task<int> ThreeBatchesOnTwoPartitionsAsync(RawClient client, string topic)
    {
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic(topic, 2));
        var batches = Enumerable.Range(0, 3).Select(i => Requests.Batch(1, first: i, valueBytes: 200)).ToArray();
        await ProduceAsync(client, topic, 0, batches);
        await ProduceAsync(client, topic, 1, batches);
        return batches[0].Length;
    }

    private static async Task ProduceAsync(RawClient client, string topic, int partition, params byte[][] batches)
    {
        foreach (var batch in batches)
        {
            var response = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce(topic, partition, batch));
            Assert.Equal(ErrorCode.None, response.Topics[0].Partitions[0].ErrorCode);
        }
    }
}
