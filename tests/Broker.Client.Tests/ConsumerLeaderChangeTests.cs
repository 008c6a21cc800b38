using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Protocol;
using static Broker.Client.Tests.Support.LogReader;

namespace Broker.Client.Tests;

/// <summary>The consumer follows a partition that moves to another broker: a fetch refused with NOT_LEADER_OR_FOLLOWER
/// or UNKNOWN_TOPIC_OR_PARTITION refreshes the metadata, and the next fetches go to the broker it names.</summary>
public class ConsumerLeaderChangeTests
{
    private static readonly TopicPartition T0 = new("t", 0);

    /// <param name="move">"leader": broker 0 keeps its replica as a follower and answers NOT_LEADER_OR_FOLLOWER;
    /// "replica": broker 0 no longer hosts the partition and answers UNKNOWN_TOPIC_OR_PARTITION.</param>
    [Theory]
    [InlineData("leader")]
    [InlineData("replica")]
    public async Task A_fetch_refused_by_the_old_broker_refreshes_metadata_and_the_consumer_fetches_from_the_new_one(string move)
    {
        await using var cluster = new FakeCluster(brokers: 2);
        cluster.CreateTopic("t", 1, leader: 0);
        await using var consumer = await ConsumerPastFirstRecordAsync(cluster);
        var metadataBefore = cluster.RequestCount(ApiKey.Metadata);

        // From now on the record appended next can only be fetched from broker 1.
        if (move == "leader")
        {
            cluster.SetLeader("t", 0, 1);
        }
        else
        {
            cluster.MovePartition("t", 0, 1);
        }

        Append(cluster, "after");

        var result = await consumer.ConsumeAsync(TestOptions.Wait);

        Assert.Equal((1L, "after"), (result?.Offset, Text(result?.Value)));
        Assert.True(cluster.RequestCount(ApiKey.Metadata) > metadataBefore, $"no Metadata request after the {move} moved");
        Assert.True(cluster.Brokers[1].RequestCount(ApiKey.Fetch) > 0);
    }

    /// <summary>A consumer of t-0 that has read its first record, "before" at offset 0, from broker 0.</summary>
    private static async Task<Consumer> ConsumerPastFirstRecordAsync(FakeCluster cluster)
    {
        Append(cluster, "before");
        var consumer = new Consumer(TestOptions.Consumer(cluster));
        consumer.Assign([T0]);
        var first = await consumer.ConsumeAsync(TestOptions.Wait);
        Assert.Equal((0L, "before"), (first?.Offset, Text(first?.Value)));
        Assert.Equal(0, cluster.Brokers[1].RequestCount(ApiKey.Fetch));
        return consumer;
    }

    /// <summary>Appends a record straight to the shared log: a producer would send Metadata requests of its own.</summary>
    private static void Append(FakeCluster cluster, string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1_700_000_000_000, null, Utf8(value));
        var (_, error) = cluster.Log("t", 0).Append(builder.Seal().Span);
        Assert.Equal(ErrorCode.None, error);
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
}
