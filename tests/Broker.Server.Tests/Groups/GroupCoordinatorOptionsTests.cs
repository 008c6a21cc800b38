using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

/// <summary>The coordinator's settings: Kafka's defaults, and the relations between them.</summary>
public sealed class GroupCoordinatorOptionsTests
{
    [Fact]
    public void The_defaults_are_Kafka_s()
    {
        var options = new GroupCoordinatorOptions();

        Assert.Equal((50, 45_000, 5_000, 300_000, 4_096, "uniform"),
            (options.OffsetsTopicPartitions, options.SessionTimeoutMs, options.HeartbeatIntervalMs, options.RebalanceTimeoutDefaultMs,
             options.OffsetMetadataCharsMax, options.DefaultAssignor));
        options.Validate();
    }

    [Theory]
    [InlineData(10_000, 5_000)]
    [InlineData(5_000, 5_000)]
    [InlineData(45_000, 0)]
    public void A_session_timeout_must_outlast_two_heartbeat_intervals(int sessionTimeoutMs, int heartbeatIntervalMs)
    {
        var options = new GroupCoordinatorOptions { SessionTimeoutMs = sessionTimeoutMs, HeartbeatIntervalMs = heartbeatIntervalMs };

        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void An_unknown_default_assignor_is_refused()
    {
        Assert.Throws<ArgumentException>(new GroupCoordinatorOptions { DefaultAssignor = "sticky" }.Validate);
    }

    [Theory]
    [InlineData("a", 50, 47)] // "a".hashCode() == 97
    [InlineData("polygenelubricants", 50, 0)] // hashCode() == int.MinValue: the masked sign keeps it in range
    [InlineData("my-group", 1, 0)]
    public void A_group_lives_in_the_partition_Kafka_would_choose(string groupId, int partitions, int expected)
    {
        Assert.Equal(expected, OffsetsTopic.PartitionFor(groupId, partitions));
    }

    [Fact]
    public void Groups_spread_over_all_partitions()
    {
        var used = Enumerable.Range(0, 5_000).Select(i => OffsetsTopic.PartitionFor($"group-{i}", 50)).Distinct().Count();

        Assert.Equal(50, used);
    }
}
