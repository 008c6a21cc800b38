using Broker.Core.Errors;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Metadata;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>One Produce request for many partitions, as a batching producer sends it: each partition is appended
/// and answered on its own.</summary>
public sealed class MultiPartitionProduceTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Each_partition_of_one_request_gets_its_own_base_offset_and_an_unknown_topic_fails_alone()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("orders", 2));
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("payments", 2));
        // Different log ends before the request, so each base offset can only be its own partition's.
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("orders", 1, Requests.Batch(5, first: 100)));
        await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("payments", 0, Requests.Batch(2, first: 100)));

        var response = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce(
            ProduceAcks.Leader,
            ("orders", 0, Requests.Batch(3)),
            ("orders", 1, Requests.Batch(2)),
            ("missing", 0, Requests.Batch(1)),
            ("payments", 0, Requests.Batch(4)),
            ("payments", 1, Requests.Batch(1))));

        Assert.Equal(ErrorCode.None, response.ErrorCode);
        Assert.Equal(
            [
                ("orders", 0, ErrorCode.None, 0L),
                ("orders", 1, ErrorCode.None, 5L),
                ("missing", 0, ErrorCode.UnknownTopicOrPartition, -1L),
                ("payments", 0, ErrorCode.None, 2L),
                ("payments", 1, ErrorCode.None, 0L),
            ],
            response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, p.ErrorCode, p.BaseOffset))));
        Assert.Equal(
            [("orders", 0, 3L), ("orders", 1, 7L), ("payments", 0, 6L), ("payments", 1, 1L)],
            await HighWatermarksAsync(client, ("orders", 0), ("orders", 1), ("payments", 0), ("payments", 1)));
        var orders1 = (await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("orders", 1, 5))).Topics[0].Partitions[0];
        Assert.Equal([(5L, "key-0"), (6L, "key-1")], Requests.Records(orders1).Select(r => (r.Offset, r.Key)));

        // The failed partition created nothing.
        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = ["missing"] });
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Assert.Single(metadata.Topics).ErrorCode);
    }

    [Fact]
    public async Task A_partition_past_a_topics_last_fails_alone()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("pair", 2));

        var response = await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce(
            ProduceAcks.All, ("pair", 0, Requests.Batch(2)), ("pair", 2, Requests.Batch(1)), ("pair", 1, Requests.Batch(3))));

        Assert.Equal(
            [(0, ErrorCode.None, 0L), (2, ErrorCode.UnknownTopicOrPartition, -1L), (1, ErrorCode.None, 0L)],
            Assert.Single(response.Topics).Partitions.Select(p => (p.PartitionIndex, p.ErrorCode, p.BaseOffset)));
        Assert.Equal([("pair", 0, 2L), ("pair", 1, 3L)], await HighWatermarksAsync(client, ("pair", 0), ("pair", 1)));
    }

    private static async Task<List<(string Topic, int Partition, long HighWatermark)>> HighWatermarksAsync(RawClient client, params (string Topic, int Partition)[] partitions)
    {
        var marks = new List<(string, int, long)>();
        foreach (var (topic, partition) in partitions)
        {
            var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch(topic, partition, 0));
            Assert.Equal(ErrorCode.None, fetched.Topics[0].Partitions[0].ErrorCode);
            marks.Add((topic, partition, fetched.Topics[0].Partitions[0].HighWatermark));
        }

        return marks;
    }
}
