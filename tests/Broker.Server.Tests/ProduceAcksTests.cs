using Broker.Core.Errors;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.AlterConfigs;
using Broker.Protocol.Messages.ApiVersions;
using Broker.Protocol.Messages.CreateTopics;
using Broker.Protocol.Messages.DescribeConfigs;
using Broker.Protocol.Messages.Fetch;
using Broker.Protocol.Messages.Produce;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests;

/// <summary>What each acks setting promises, over a real socket: acks=0 is answered by nothing, acks=all needs
/// min.insync.replicas replicas in sync (this single-node broker has one), acks=1 needs only the leader.</summary>
public sealed class ProduceAcksTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Produce_with_acks_0_gets_no_response_and_its_records_are_stored()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("unacked", 1));

        await client.SendOnlyAsync(Requests.Produce("unacked", 0, Requests.Batch(3), ProduceAcks.None));
        await client.SendOnlyAsync(Requests.Produce("unacked", 0, Requests.Batch(2, first: 3), ProduceAcks.None));

        // Responses come in request order: an answer to either produce would be read here instead of the fetch's, and
        // SendAsync checks that the frame carries the fetch's own correlation id.
        var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("unacked", 0, 0));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ((long)i, $"key-{i}", $"value-{i}")), Requests.Records(fetched.Topics[0].Partitions[0]));
        var versions = await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest());
        Assert.Equal(ErrorCode.None, versions.ErrorCode);
    }

    [Fact]
    public async Task Produce_with_acks_0_that_fails_closes_the_connection_after_answering_the_requests_before_it()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("present", 1));

        // acks=0 has no response to carry UNKNOWN_TOPIC_OR_PARTITION: the connection closing is how the producer
        // learns of it (and refreshes its metadata), as with Kafka, which closes on any partition's error.
        var versions = await client.SendOnlyAsync(new ApiVersionsRequest());
        await client.SendOnlyAsync(Requests.Produce(ProduceAcks.None, ("present", 0, Requests.Batch(1)), ("absent", 0, Requests.Batch(1))));

        using (var answered = await client.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(versions, answered!.Value.CorrelationId);
        }

        // Then nothing for the produce: the connection ends (a timeout here means it stayed open).
        ResponseFrame? next;
        try
        {
            next = await client.ReadFrameAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (IOException)
        {
            next = null;
        }

        Assert.Null(next);
        using var again = _broker.Connect();
        var fetched = await again.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("present", 0, 0));
        Assert.Single(Requests.Records(fetched.Topics[0].Partitions[0]));
    }

    [Fact]
    public async Task Acks_all_is_refused_with_not_enough_replicas_below_min_insync_replicas_and_stores_nothing_while_acks_1_is_written()
    {
        using var client = _broker.Connect();
        var created = await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("guarded", 1, ("min.insync.replicas", "2")));
        Assert.Equal(ErrorCode.None, Assert.Single(created.Topics).ErrorCode);

        var refused = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("guarded", 0, Requests.Batch(3), ProduceAcks.All)));
        Assert.Equal((ErrorCode.NotEnoughReplicas, -1L), (refused.ErrorCode, refused.BaseOffset));
        Assert.False(string.IsNullOrEmpty(refused.ErrorMessage));
        var empty = (await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("guarded", 0, 0))).Topics[0].Partitions[0];
        Assert.Equal((ErrorCode.None, 0L, 0), (empty.ErrorCode, empty.HighWatermark, empty.Records.Length));

        var accepted = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("guarded", 0, Requests.Batch(2, first: 10), ProduceAcks.Leader)));

        // Offset 0: the refused records took no offsets.
        Assert.Equal((ErrorCode.None, 0L), (accepted.ErrorCode, accepted.BaseOffset));
        var fetched = (await client.SendAsync<FetchRequest, FetchResponse>(Requests.Fetch("guarded", 0, 0))).Topics[0].Partitions[0];
        Assert.Equal(2, fetched.HighWatermark);
        Assert.Equal(["key-10", "key-11"], Requests.Records(fetched).Select(r => r.Key));
    }

    [Fact]
    public async Task Lowering_min_insync_replicas_to_the_replicas_in_sync_lets_acks_all_through()
    {
        using var client = _broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("relaxed", 1, ("min.insync.replicas", "2")));
        var refused = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("relaxed", 0, Requests.Batch(1), ProduceAcks.All)));
        Assert.Equal(ErrorCode.NotEnoughReplicas, refused.ErrorCode);

        var altered = await client.SendAsync<AlterConfigsRequest, AlterConfigsResponse>(new AlterConfigsRequest
        {
            Resources = [new AlterConfigsRequestResource { ResourceName = "relaxed", Configs = [new ConfigEntry("min.insync.replicas", "1")] }],
        });
        Assert.Equal(ErrorCode.None, Assert.Single(altered.Results).ErrorCode);

        var accepted = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("relaxed", 0, Requests.Batch(1), ProduceAcks.All)));
        Assert.Equal((ErrorCode.None, 0L), (accepted.ErrorCode, accepted.BaseOffset));
    }

    /// <summary>A broker-wide default (TopicDefaults) applies to topics without their own min.insync.replicas, and a
    /// topic's own setting wins over it.</summary>
    [Fact]
    public async Task A_broker_wide_min_insync_replicas_applies_to_topics_without_their_own()
    {
        await using var broker = await TestBroker.StartAsync("--TopicDefaults:min.insync.replicas=2");
        using var client = broker.Connect();
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("strict-by-default", 1));
        await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(Requests.CreateTopic("own-setting", 1, ("min.insync.replicas", "1")));

        var refused = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("strict-by-default", 0, Requests.Batch(1), ProduceAcks.All)));
        Assert.Equal(ErrorCode.NotEnoughReplicas, refused.ErrorCode);
        var accepted = Partition(await client.SendAsync<ProduceRequest, ProduceResponse>(Requests.Produce("own-setting", 0, Requests.Batch(1), ProduceAcks.All)));
        Assert.Equal((ErrorCode.None, 0L), (accepted.ErrorCode, accepted.BaseOffset));

        var described = await client.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(new DescribeConfigsRequest
        {
            Resources = [new DescribeConfigsRequestResource { ResourceName = "strict-by-default", ConfigurationKeys = ["min.insync.replicas"] }],
        });
        var entry = Assert.Single(Assert.Single(described.Results).Configs);
        Assert.Equal(("2", ConfigSource.StaticBrokerConfig), (entry.Value, entry.Source));
    }

    private static ProduceResponsePartition Partition(ProduceResponse response) => Assert.Single(Assert.Single(response.Topics).Partitions);
}
