using Broker.Core.Errors;
using Broker.Server.Groups;
using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>group.instance.id: restarts without reassignment, and one live member per instance id.</summary>
public sealed class StaticMembershipTests
{
    private readonly GroupHarness _h = new();
    private readonly ConsumerModel _a;
    private readonly ConsumerModel _b;

    public StaticMembershipTests()
    {
        _h.Topics.Set("t", 4);
        _a = _h.StaticConsumer("a", "instance-a", "t");
        _b = _h.Consumer("b", "t");
        _h.Settle(_a, _b);
    }

    [Fact]
    public void A_static_member_that_returns_in_time_gets_its_partitions_back()
    {
        var owned = _a.Owned;
        var epoch = _a.Epoch;
        var groupEpoch = _h.Describe().GroupEpoch;

        var left = _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, _a.MemberId, keepAssignmentForRestart: true, _h.NowMs));
        Assert.Equal(GroupMemberEpochs.StaticLeave, left.MemberEpoch);
        _a.Left();
        _h.NowMs += 30_000;
        Assert.Null(_h.Beat(_b).Assignment);
        Assert.Empty(_h.Expire());

        var restarted = _h.StaticConsumer("a2", "instance-a", "t");
        var response = _h.Beat(restarted);

        Assert.Equal((ErrorCode.None, epoch, owned), (response.Error, response.MemberEpoch, response.Assignment));
        Assert.Equal(groupEpoch, _h.Describe().GroupEpoch);
        Assert.Null(_h.Beat(_b).Assignment);
        Assert.Equal(GroupState.Stable, _h.Describe().State);
        _h.AssertReplayMatchesLive();
    }

    [Fact]
    public void A_static_member_away_longer_than_the_session_timeout_is_removed_and_its_partitions_reassigned()
    {
        _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, _a.MemberId, keepAssignmentForRestart: true, _h.NowMs));
        _h.NowMs += 45_000;
        _h.Beat(_b);

        Assert.Equal(_a.MemberId, Assert.Single(_h.Expire()).MemberId);
        Assert.Equal(4, _h.Beat(_b).Assignment!.Count);
    }

    [Fact]
    public void A_second_live_member_with_the_same_instance_id_gets_UnreleasedInstanceId()
    {
        _h.NowMs += 5_000;
        _h.Beat(_a);

        var duplicate = _h.Beat(_h.StaticConsumer("dup", "instance-a", "t"));

        Assert.Equal(ErrorCode.UnreleasedInstanceId, duplicate.Error);
        Assert.Equal(ErrorCode.None, _h.Beat(_a).Error);
    }

    [Fact]
    public void A_static_member_that_crashed_is_taken_over_after_two_missed_heartbeats_without_reassignment()
    {
        var owned = _a.Owned;
        _a.Crash();
        var groupEpoch = _h.Describe().GroupEpoch;

        _h.NowMs += 9_999;
        var early = _h.StaticConsumer("a2", "instance-a", "t");
        Assert.Equal(ErrorCode.UnreleasedInstanceId, _h.Beat(early).Error);

        _h.NowMs += 1;
        var response = _h.Beat(early);

        Assert.Equal((ErrorCode.None, owned), (response.Error, response.Assignment));
        Assert.Equal(groupEpoch, _h.Describe().GroupEpoch);
    }

    [Fact]
    public void The_old_incarnation_of_a_replaced_static_member_is_unknown()
    {
        var oldIncarnation = _h.Heartbeat(_a.Request() with { MemberEpoch = GroupMemberEpochs.StaticLeave });
        Assert.Equal(ErrorCode.None, oldIncarnation.Error);
        _h.Beat(_h.StaticConsumer("a2", "instance-a", "t"));

        var zombie = _h.Heartbeat(_a.Request());

        Assert.Equal(ErrorCode.UnknownMemberId, zombie.Error);
        Assert.Equal(ErrorCode.UnknownMemberId,
            _h.Keep(_h.Shard.CommitOffsets(new OffsetCommitInput(GroupHarness.Group, _a.MemberId, _a.Epoch, [new(new("t", 0), 5)]), _h.NowMs)).Partitions[0].Error);
    }

    [Fact]
    public void A_static_leave_is_refused_for_a_dynamic_member()
    {
        var response = _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, _b.MemberId, keepAssignmentForRestart: true, _h.NowMs));

        Assert.Equal(ErrorCode.InvalidRequest, response.Error);
    }

    [Fact]
    public void A_static_member_that_left_while_releasing_partitions_releases_them_all()
    {
        _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, _b.MemberId, keepAssignmentForRestart: false, _h.NowMs));
        _h.Beat(_a);
        var c = _h.Consumer("c", "t");
        _h.Beat(c);
        _h.Beat(_a, release: false);
        Assert.Equal(MemberState.UnrevokedPartitions, _h.Member(_a).State);

        _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, _a.MemberId, keepAssignmentForRestart: true, _h.NowMs));
        var away = _h.Member(_a);

        Assert.Equal(TopicPartitionSet.Empty, away.PendingRevocation);
        _h.Beat(c);
        Assert.False(c.Owned.Overlaps(away.Assigned));
        Assert.Equal(2, c.Owned.Count);
    }
}
