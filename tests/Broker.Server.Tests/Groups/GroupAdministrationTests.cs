using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Groups;
using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>ListGroups, DescribeGroups, DeleteGroups and the group states.</summary>
public sealed class GroupAdministrationTests
{
    private readonly GroupHarness _h = new();

    public GroupAdministrationTests() => _h.Topics.Set("t", 4);

    [Fact]
    public void A_group_goes_from_reconciling_to_stable_as_its_members_reach_the_target()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        Assert.Equal(GroupState.Stable, _h.Describe().State);

        var b = _h.Consumer("b", "t");
        _h.Beat(b);
        Assert.Equal(GroupState.Reconciling, _h.Describe().State);

        _h.Settle(a, b);
        Assert.Equal(GroupState.Stable, _h.Describe().State);
    }

    [Fact]
    public void DescribeGroups_shows_each_member_s_assignment_and_target()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        var b = _h.Consumer("b", "t");
        _h.Beat(b);

        var description = _h.Describe();

        Assert.Equal((ErrorCode.None, 2, 2, "uniform"), (description.Error, description.GroupEpoch, description.AssignmentEpoch, description.Assignor));
        var member = description.Members.Single(m => m.MemberId == b.MemberId);
        Assert.Equal(("b", "10.0.0.1", MemberState.UnreleasedPartitions, 2), (member.ClientId, member.ClientHost, member.State, member.Target.Count));
        Assert.Equal(["t"], member.SubscribedTopics);
        Assert.Empty(member.Assigned);
    }

    [Fact]
    public void An_unknown_group_is_described_as_dead()
    {
        var description = _h.Shard.DescribeGroups(["nobody"]).Single();

        Assert.Equal((ErrorCode.GroupIdNotFound, GroupState.Dead), (description.Error, description.State));
    }

    [Fact]
    public void ListGroups_filters_by_state()
    {
        _h.Beat(_h.Consumer("a", "t"));
        _h.Keep(_h.Shard.CommitOffsets(new OffsetCommitInput("offsets-only", "", -1, [new(new("t", 0), 1)]), _h.NowMs));

        Assert.Equal([new GroupListing("g", GroupState.Stable), new GroupListing("offsets-only", GroupState.Empty)], _h.Shard.ListGroups());
        Assert.Equal([new GroupListing("offsets-only", GroupState.Empty)], _h.Shard.ListGroups([GroupState.Empty]));
    }

    [Fact]
    public void A_group_with_members_cannot_be_deleted()
    {
        _h.Beat(_h.Consumer("a", "t"));

        var result = _h.Keep(_h.Shard.DeleteGroups(["g", "nobody"]));

        Assert.Equal([new GroupDeletion("g", ErrorCode.NonEmptyGroup), new GroupDeletion("nobody", ErrorCode.GroupIdNotFound)], result);
        Assert.Single(_h.Shard.ListGroups());
    }

    [Fact]
    public void Deleting_an_empty_group_tombstones_its_offsets_and_metadata()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        _h.Keep(_h.Shard.CommitOffsets(new OffsetCommitInput("g", a.MemberId, a.Epoch, [new(new("t", 0), 1), new(new("t", 1), 2)]), _h.NowMs));
        _h.Keep(_h.Shard.LeaveGroup("g", a.MemberId, keepAssignmentForRestart: false, _h.NowMs));

        var result = _h.Shard.DeleteGroups(["g"]);
        _h.Log.AddRange(result.Records);

        Assert.Equal(ErrorCode.None, result.Response.Single().Error);
        Assert.All(result.Records, r => Assert.True(r.IsTombstone));
        Assert.Equal(4, result.Records.Count);
        Assert.Equal(GroupState.Dead, _h.Describe().State);
        Assert.Equal(-1, _h.Shard.FetchOffsets("g", [new TopicPartition("t", 0)]).Partitions[0].Offset);
        _h.AssertReplayMatchesLive();
        Assert.Empty(_h.Shard.LiveRecords());
    }
}
