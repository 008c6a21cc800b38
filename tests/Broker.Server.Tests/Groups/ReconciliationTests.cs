using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Groups;
using Broker.Server.Tests.Groups.Support;

namespace Broker.Server.Tests.Groups;

/// <summary>KIP-848's heartbeat and reconciliation rules, one test per rule.</summary>
public sealed class ReconciliationTests
{
    private readonly GroupHarness _h = new();

    public ReconciliationTests() => _h.Topics.Set("t", 4).Set("u", 2);

    [Fact]
    public void A_member_joins_with_an_empty_id_and_epoch_zero_and_gets_an_id_an_epoch_and_its_partitions()
    {
        var a = _h.Consumer("a", "t");

        var response = _h.Beat(a);

        Assert.Equal(ErrorCode.None, response.Error);
        Assert.NotEmpty(response.MemberId);
        Assert.Equal(1, response.MemberEpoch);
        Assert.Equal(5_000, response.HeartbeatIntervalMs);
        Assert.Equal(TopicPartitionSet.Of("t", 0, 1, 2, 3), response.Assignment);
        Assert.Equal(GroupState.Stable, _h.Describe().State);
    }

    [Fact]
    public void Member_ids_come_from_the_injected_random_source()
    {
        var first = new GroupHarness(seed: 7);
        var second = new GroupHarness(seed: 7);
        first.Topics.Set("t", 1);
        second.Topics.Set("t", 1);

        Assert.Equal(first.Beat(first.Consumer("a", "t")).MemberId, second.Beat(second.Consumer("a", "t")).MemberId);
    }

    [Fact]
    public void A_partition_moves_only_after_its_old_owner_releases_it()
    {
        var a = _h.Consumer("a", "t");
        var b = _h.Consumer("b", "t");
        _h.Beat(a);

        _h.Beat(b);
        Assert.Equal(TopicPartitionSet.Empty, b.Assignment);
        Assert.Equal(MemberState.UnreleasedPartitions, _h.Member(b).State);

        _h.Beat(a, release: false);
        var moving = TopicPartitionSet.Of("t", 0, 1, 2, 3).Except(a.Assignment);
        Assert.Equal(2, moving.Count);
        Assert.Equal(moving, _h.Member(a).PendingRevocation);
        _h.Beat(b);
        Assert.False(b.Assignment.Overlaps(moving), "b got partitions a had not released");

        _h.Beat(a);
        _h.Beat(b);
        Assert.False(b.Assignment.Overlaps(moving), "a released them only in this response; it says so in its next heartbeat");

        _h.Beat(a);
        _h.Beat(b);
        Assert.Equal(moving, b.Assignment);
        Assert.Equal(GroupState.Stable, _h.Describe().State);
        _h.AssertReplayMatchesLive();
    }

    [Fact]
    public void A_member_that_must_revoke_keeps_its_epoch_until_it_reports_the_release()
    {
        var a = _h.Consumer("a", "t");
        var b = _h.Consumer("b", "t");
        _h.Beat(a);
        _h.Beat(b);

        var revoking = _h.Beat(a, release: false);
        Assert.Equal(1, revoking.MemberEpoch);
        Assert.Equal(MemberState.UnrevokedPartitions, _h.Member(a).State);
        Assert.Equal(1, _h.Beat(a, release: false).MemberEpoch);

        _h.Beat(a); // still reports the old partitions, then releases them
        var advanced = _h.Beat(a);

        Assert.Equal(2, advanced.MemberEpoch);
        Assert.Equal(MemberState.Stable, _h.Member(a).State);
    }

    [Fact]
    public void Members_whose_partitions_do_not_move_are_not_paused_when_another_leaves()
    {
        _h.Topics.Set("t", 6);
        var consumers = new[] { _h.Consumer("a", "t"), _h.Consumer("b", "t"), _h.Consumer("c", "t") };
        _h.Settle(consumers);
        var before = consumers.Select(c => c.Owned).ToList();

        _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, consumers[2].MemberId, keepAssignmentForRestart: false, _h.NowMs));
        var first = _h.Beat(consumers[0]);
        var second = _h.Beat(consumers[1]);

        Assert.True(before[0].IsSubsetOf(first.Assignment!));
        Assert.True(before[1].IsSubsetOf(second.Assignment!));
        Assert.Equal(6, consumers[0].Owned.Count + consumers[1].Owned.Count);
    }

    [Fact]
    public void A_joining_member_takes_partitions_only_from_members_above_the_new_quota()
    {
        _h.Topics.Set("t", 6);
        var a = _h.Consumer("a", "t");
        var b = _h.Consumer("b", "t");
        _h.Settle(a, b);
        var c = _h.Consumer("c", "t");
        _h.Beat(c);

        var targets = _h.Describe().Members.ToDictionary(m => m.MemberId, m => m.Target);
        Assert.Equal(4, targets[a.MemberId].Intersect(a.Owned).Count + targets[b.MemberId].Intersect(b.Owned).Count);
        Assert.Equal(2, targets[c.MemberId].Count);
    }

    [Fact]
    public void A_stale_epoch_is_fenced()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        a.Subscribe(["t", "u"]);
        _h.Beat(a);
        a.Subscribe(["u"]);
        _h.Beat(a);
        _h.Beat(a);
        Assert.Equal(3, a.Epoch);

        var older = _h.Heartbeat(a.Request() with { MemberEpoch = 1 });
        var newer = _h.Heartbeat(a.Request() with { MemberEpoch = 4 });

        Assert.Equal(ErrorCode.FencedMemberEpoch, older.Error);
        Assert.Equal(ErrorCode.FencedMemberEpoch, newer.Error);
    }

    [Fact]
    public void The_previous_epoch_is_accepted_from_a_member_that_owns_only_partitions_still_assigned_to_it()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        a.Subscribe(["t", "u"]);
        _h.Heartbeat(a.Request()); // the answer (epoch 2, t and u) is lost
        a.LoseResponse();

        var retried = _h.Beat(a);
        Assert.Equal(ErrorCode.None, retried.Error);
        Assert.Equal(2, retried.MemberEpoch);
        Assert.Equal(6, retried.Assignment!.Count);

        var claimsMore = _h.Heartbeat(a.Request() with { MemberEpoch = 1, OwnedPartitions = TopicPartitionSet.Of("v", 0) });
        Assert.Equal(ErrorCode.FencedMemberEpoch, claimsMore.Error);
    }

    [Fact]
    public void An_unknown_member_id_gets_UnknownMemberId()
    {
        _h.Beat(_h.Consumer("a", "t"));

        var response = _h.Heartbeat(new HeartbeatInput(GroupHarness.Group, "nobody", 1, OwnedPartitions: TopicPartitionSet.Empty));

        Assert.Equal(ErrorCode.UnknownMemberId, response.Error);
    }

    [Fact]
    public void A_fenced_member_rejoins_with_its_id_and_epoch_zero_and_gets_its_assignment_again()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        var id = a.MemberId;
        a.Receive(_h.Heartbeat(a.Request() with { MemberEpoch = 9 }));
        Assert.Equal((id, 0, 0), (a.MemberId, a.Epoch, a.Owned.Count));

        var rejoined = _h.Beat(a);

        Assert.Equal((ErrorCode.None, id, 1), (rejoined.Error, rejoined.MemberId, rejoined.MemberEpoch));
        Assert.Equal(4, rejoined.Assignment!.Count);
    }

    [Fact]
    public void A_subscription_change_bumps_the_group_epoch_and_recomputes_the_target()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        a.Subscribe(["t", "u"]);

        var response = _h.Beat(a);

        Assert.Equal(2, _h.Describe().GroupEpoch);
        Assert.Equal(2, response.MemberEpoch);
        Assert.Equal(TopicPartitionSet.Of("t", 0, 1, 2, 3).Union(TopicPartitionSet.Of("u", 0, 1)), response.Assignment);
    }

    [Fact]
    public void New_partitions_bump_the_group_epoch_on_the_next_heartbeat()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);
        _h.Topics.Set("t", 6);
        Assert.Equal(1, _h.Describe().GroupEpoch);

        var response = _h.Beat(a);

        Assert.Equal(2, _h.Describe().GroupEpoch);
        Assert.Equal(6, response.Assignment!.Count);
    }

    [Fact]
    public void A_topic_that_does_not_exist_yet_is_assigned_once_it_is_created()
    {
        var a = _h.Consumer("a", "new-topic");
        Assert.Equal(TopicPartitionSet.Empty, _h.Beat(a).Assignment);

        _h.Topics.Set("new-topic", 2);

        Assert.Equal(TopicPartitionSet.Of("new-topic", 0, 1), _h.Beat(a).Assignment);
    }

    [Fact]
    public void An_unchanged_assignment_is_not_sent_again()
    {
        var a = _h.Consumer("a", "t");
        _h.Beat(a);

        var response = _h.Beat(a);

        Assert.Equal(ErrorCode.None, response.Error);
        Assert.Null(response.Assignment);
        Assert.Empty(_h.Shard.Heartbeat(a.Request(), _h.NowMs).Records);
    }

    [Fact]
    public void Members_can_choose_the_range_assignor()
    {
        _h.Topics.Set("u", 4);
        var a = _h.Consumer("a", "t", "u");
        var b = _h.Consumer("b", "t", "u");
        a.Assignor = b.Assignor = RangeAssignor.AssignorName;
        _h.Settle(a, b);

        Assert.Equal("range", _h.Describe().Assignor);
        var first = string.CompareOrdinal(a.MemberId, b.MemberId) < 0 ? a : b;
        Assert.Equal(TopicPartitionSet.Of("t", 0, 1).Union(TopicPartitionSet.Of("u", 0, 1)), first.Owned);
    }

    [Theory]
    [InlineData("", 0, ErrorCode.InvalidGroupId)]
    [InlineData("g", -3, ErrorCode.InvalidRequest)]
    [InlineData("g", 5, ErrorCode.UnknownMemberId)]
    public void A_malformed_heartbeat_is_refused_and_writes_nothing(string group, int epoch, ErrorCode expected)
    {
        var result = _h.Shard.Heartbeat(new HeartbeatInput(group, "", epoch, SubscribedTopics: ["t"]), _h.NowMs);

        Assert.Equal(expected, result.Response.Error);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void A_join_without_a_subscription_is_refused()
    {
        var response = _h.Heartbeat(new HeartbeatInput(GroupHarness.Group, "", 0));

        Assert.Equal(ErrorCode.InvalidRequest, response.Error);
        Assert.Empty(_h.Shard.ListGroups());
    }

    [Fact]
    public void An_unknown_assignor_is_refused()
    {
        var response = _h.Heartbeat(new HeartbeatInput(GroupHarness.Group, "", 0, SubscribedTopics: ["t"], ServerAssignor: "sticky"));

        Assert.Equal(ErrorCode.UnsupportedAssignor, response.Error);
    }

    [Fact]
    public void A_join_beyond_the_group_size_limit_is_refused()
    {
        var h = new GroupHarness(new GroupCoordinatorOptions { GroupMembersMax = 2 });
        h.Topics.Set("t", 4);
        h.Beat(h.Consumer("a", "t"));
        h.Beat(h.Consumer("b", "t"));

        var third = h.Beat(h.Consumer("c", "t"));

        Assert.Equal(ErrorCode.GroupMaxSizeReached, third.Error);
        Assert.Equal(2, h.Describe().Members.Count);
    }

    [Fact]
    public void A_partition_released_by_a_leaving_member_is_free_at_once()
    {
        var a = _h.Consumer("a", "t");
        var b = _h.Consumer("b", "t");
        _h.Settle(a, b);

        _h.Keep(_h.Shard.LeaveGroup(GroupHarness.Group, a.MemberId, keepAssignmentForRestart: false, _h.NowMs));
        var response = _h.Beat(b);

        Assert.Equal(4, response.Assignment!.Count);
        Assert.Equal(new TopicPartition("t", 0), b.Owned.First());
    }
}
