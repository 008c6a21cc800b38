using Broker.Client.Admin;
using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Client.Tests;

public class AdminClientTests
{
    [Fact]
    public async Task Topics_are_created_described_grown_and_deleted()
    {
        await using var cluster = new FakeCluster();
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        var created = await admin.CreateTopicsAsync([new TopicSpecification("orders", 3) { Configs = new Dictionary<string, string?> { ["retention.ms"] = "1000" } }]);
        Assert.Equal(3, Assert.Single(created).NumPartitions);

        var described = Assert.Single(await admin.DescribeTopicsAsync(["orders"]));
        Assert.Equal([0, 1, 2], described.Partitions.Select(p => p.Partition));
        Assert.All(described.Partitions, p => Assert.Equal(0, p.Leader));

        await admin.CreatePartitionsAsync(new Dictionary<string, int> { ["orders"] = 5 });
        Assert.Equal(5, Assert.Single(await admin.ListTopicsAsync()).PartitionCount);

        await admin.DeleteTopicsAsync(["orders"]);
        Assert.Empty(await admin.ListTopicsAsync());
    }

    [Fact]
    public async Task Failures_are_thrown_together_with_every_items_result()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("exists", 1);
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        var error = await Assert.ThrowsAsync<AdminOperationException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification("exists", 1), new TopicSpecification("fresh", 1)]));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Code);
        Assert.Equal(["exists", "fresh"], error.Results.Select(r => r.Name));
        Assert.True(error.Results[1].IsSuccess);
        Assert.Contains("TOPIC_ALREADY_EXISTS", error.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<AdminOperationException>(() => admin.DescribeTopicsAsync(["missing"]));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, unknown.Code);
    }

    [Fact]
    public async Task Configs_are_described_and_altered_incrementally()
    {
        await using var cluster = new FakeCluster();
        cluster.CreateTopic("t", 1);
        await using var admin = new AdminClient(TestOptions.Admin(cluster));

        await admin.AlterConfigsAsync(new Dictionary<string, IReadOnlyDictionary<string, string?>>
        {
            ["t"] = new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["retention.ms"] = null },
        });

        var configs = Assert.Single(await admin.DescribeConfigsAsync(["t"]));
        Assert.Equal("compact", configs["cleanup.policy"]);
        Assert.Null(configs["retention.ms"]);
    }

    [Fact]
    public async Task The_cluster_and_offsets_are_described()
    {
        await using var cluster = new FakeCluster(brokers: 2);
        cluster.CreateTopic("t", 2);
        cluster.SetLeader("t", 1, 1);
        await using (var producer = new Producer(TestOptions.Producer(cluster)))
        {
            await producer.ProduceAsync("t", new Message(null, [1]) { Partition = 1, TimestampMs = 5000 });
            await producer.ProduceAsync("t", new Message(null, [2]) { Partition = 1, TimestampMs = 9000 });
        }

        await using var admin = new AdminClient(TestOptions.Admin(cluster));
        var description = await admin.DescribeClusterAsync();
        Assert.Equal("fake-cluster", description.ClusterId);
        Assert.Equal([0, 1], description.Brokers.Select(b => b.NodeId));

        var offsets = await admin.ListOffsetsAsync(new Dictionary<TopicPartition, OffsetSpec>
        {
            [new("t", 0)] = OffsetSpec.Latest,
            [new("t", 1)] = OffsetSpec.ForTimestamp(8000),
        });
        Assert.Equal(0, offsets[new("t", 0)].Offset);
        Assert.Equal(1, offsets[new("t", 1)].Offset);
    }
}
