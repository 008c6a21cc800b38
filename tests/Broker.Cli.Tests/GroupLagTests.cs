using Broker.Cli.Groups;
using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;

namespace Broker.Cli.Tests;

public sealed class GroupLagTests
{
    [Fact]
    public void Lag_covers_subscribed_and_committed_topics_and_counts_from_the_log_start_without_a_commit()
    {
        var group = new GroupDescription("g", "Stable", 3, 3, "uniform",
        [
            new GroupMemberDescription("m1", null, null, 3, "client", "/127.0.0.1", ["orders"], [new("orders", 1)], [new("orders", 1)]),
        ]);
        var committed = new Dictionary<TopicPartition, OffsetAndMetadata?> { [new("orders", 0)] = new(7), [new("gone", 0)] = new(4) };
        Assert.Equal(["gone", "orders"], GroupLag.TopicsOf(group, committed));

        var topics = new[] { new TopicDescription("orders", false, [Leader(0), Leader(1)]) };
        var ranges = new Dictionary<TopicPartition, LogRange> { [new("orders", 0)] = new(0, 10), [new("orders", 1)] = new(5, 12) };
        var lags = GroupLag.Compute(group, committed, topics, ranges);
        Assert.Equal(
        [
            new PartitionLag(new("gone", 0), 4, null, null),
            new PartitionLag(new("orders", 0), 7, new(0, 10), null),
            new PartitionLag(new("orders", 1), null, new(5, 12), "m1"),
        ],
            lags);
        Assert.Equal([null, 3, 7], lags.Select(l => l.Lag));
    }

    private static PartitionDescription Leader(int partition) => new(partition, 1, 0, [1], [1], []);
}
