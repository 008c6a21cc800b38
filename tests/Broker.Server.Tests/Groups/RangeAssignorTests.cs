using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

/// <summary>Kafka's range assignment, per topic.</summary>
public sealed class RangeAssignorTests
{
    private static readonly RangeAssignor Assignor = new();

    [Fact]
    public void Each_topic_is_cut_into_consecutive_ranges_the_first_members_taking_one_more()
    {
        var result = Assignor.Assign(Spec(("c0", null, ["t0", "t1"]), ("c1", null, ["t0", "t1"])));

        Assert.Equal(TopicPartitionSet.Of("t0", 0, 1).Union(TopicPartitionSet.Of("t1", 0, 1)), result["c0"]);
        Assert.Equal(TopicPartitionSet.Of("t0", 2).Union(TopicPartitionSet.Of("t1", 2)), result["c1"]);
    }

    [Fact]
    public void Static_members_are_ordered_by_instance_id_so_their_ranges_survive_restarts()
    {
        var result = Assignor.Assign(Spec(("zzz-new-id", "instance-0", ["t0"]), ("aaa", "instance-1", ["t0"])));

        Assert.Equal(TopicPartitionSet.Of("t0", 0, 1), result["zzz-new-id"]);
        Assert.Equal(TopicPartitionSet.Of("t0", 2), result["aaa"]);
    }

    [Fact]
    public void Only_subscribers_of_a_topic_share_it()
    {
        var spec = Spec(("a", null, ["t0"]), ("b", null, ["t1"]), ("c", null, []));

        var result = Assignor.Assign(spec);

        Assert.Equal(TopicPartitionSet.Of("t0", 0, 1, 2), result["a"]);
        Assert.Equal(TopicPartitionSet.Of("t1", 0, 1, 2), result["b"]);
        Assert.Equal(TopicPartitionSet.Empty, result["c"]);
        UniformAssignorTests.AssertCovers(spec, result);
    }

    private static AssignmentSpec Spec(params (string Id, string? Instance, string[] Topics)[] members) => new(
        members.Select(m => new AssignmentMember(m.Id, m.Instance, null, m.Topics, TopicPartitionSet.Empty)).ToList(),
        new Dictionary<string, int> { ["t0"] = 3, ["t1"] = 3 });
}
