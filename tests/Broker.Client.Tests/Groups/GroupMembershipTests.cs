using Broker.Client.Groups;
using Broker.Client.Tests.Support;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;

namespace Broker.Client.Tests.Groups;

/// <summary>The member's heartbeat state on its own, no I/O: which heartbeat comes next and what an answer does.</summary>
public class GroupMembershipTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private static readonly TopicPartition T1 = new("t", 1);

    [Fact]
    public void The_join_carries_every_field_and_owns_nothing()
    {
        var membership = Joined(out var join, instanceId: "i-1", assignor: "range");

        Assert.Equal(("g", "", 0, "i-1", 60_000, "range"), (join.GroupId, join.MemberId, join.MemberEpoch, join.InstanceId, join.RebalanceTimeoutMs, join.ServerAssignor));
        Assert.Equal(["t"], join.SubscribedTopicNames!);
        Assert.Empty(join.TopicPartitions!);
        Assert.Equal(("m-1", 3, 500), (membership.MemberId, membership.MemberEpoch, membership.HeartbeatIntervalMs));
        Assert.Equal([T0, T1], membership.TakePendingAssignment());
        Assert.Null(membership.TakePendingAssignment());
    }

    [Fact]
    public void A_steady_heartbeat_sends_only_what_changed_since_it_was_acknowledged()
    {
        var membership = Joined(out _);
        var report = membership.NextHeartbeat([T1, T0]);
        Assert.Equal([T0, T1], FakeGroupHeartbeat.Flatten(report.TopicPartitions!));
        Assert.Null(report.SubscribedTopicNames);
        membership.OnAnswer(Ok(3));

        var steady = membership.NextHeartbeat([T0, T1]);
        Assert.Equal(("m-1", 3, ProtocolSentinels.UnchangedRebalanceTimeoutMs), (steady.MemberId, steady.MemberEpoch, steady.RebalanceTimeoutMs));
        Assert.Null(steady.TopicPartitions);
        Assert.Null(steady.SubscribedTopicNames);
        Assert.Null(steady.InstanceId);
        membership.OnAnswer(Ok(3));

        membership.Subscribe(["t", "u"]);
        Assert.Equal(["t", "u"], membership.NextHeartbeat([T0, T1]).SubscribedTopicNames!);
    }

    [Fact]
    public void After_a_heartbeat_without_an_answer_the_next_is_a_full_request()
    {
        var membership = Joined(out _);
        membership.NextHeartbeat([T0]);
        membership.OnNoAnswer();

        var full = membership.NextHeartbeat([T0]);

        Assert.NotNull(full.SubscribedTopicNames);
        Assert.Equal([T0], FakeGroupHeartbeat.Flatten(full.TopicPartitions!));
        Assert.Equal(60_000, full.RebalanceTimeoutMs);
        Assert.Equal(3, full.MemberEpoch);
    }

    [Theory]
    [InlineData(ErrorCode.FencedMemberEpoch, "m-1")]
    [InlineData(ErrorCode.UnknownMemberId, "")]
    public void A_fenced_or_forgotten_member_rejoins_with_epoch_0(ErrorCode error, string memberIdAfter)
    {
        var membership = Joined(out _);
        membership.NextHeartbeat([T0, T1]);

        Assert.Equal(HeartbeatOutcome.Fenced, membership.OnAnswer(new ConsumerGroupHeartbeatResponse { ErrorCode = error }));

        var rejoin = membership.NextHeartbeat([]);
        Assert.Equal((memberIdAfter, 0), (rejoin.MemberId, rejoin.MemberEpoch));
        Assert.NotNull(rejoin.SubscribedTopicNames);
        Assert.Null(membership.PendingAssignment);
        Assert.False(membership.HasJoined);
    }

    [Theory]
    [InlineData(ErrorCode.NotCoordinator, true)]
    [InlineData(ErrorCode.CoordinatorLoadInProgress, true)]
    [InlineData(ErrorCode.UnsupportedAssignor, false)]
    [InlineData(ErrorCode.UnreleasedInstanceId, false)]
    [InlineData(ErrorCode.GroupMaxSizeReached, false)]
    [InlineData(ErrorCode.InvalidRequest, false)]
    public void Errors_are_retried_or_fatal(ErrorCode error, bool retried)
    {
        var membership = Joined(out _);
        membership.NextHeartbeat([]);
        var expected = retried ? HeartbeatOutcome.Retry : HeartbeatOutcome.Fatal;
        Assert.Equal(expected, membership.OnAnswer(new ConsumerGroupHeartbeatResponse { ErrorCode = error }));
    }

    [Theory]
    [InlineData(true, ProtocolSentinels.LeaveGroupStaticMemberEpoch, "i-1")]
    [InlineData(false, ProtocolSentinels.LeaveGroupMemberEpoch, null)]
    public void A_static_member_restarting_leaves_with_epoch_minus_2_and_otherwise_minus_1(bool restarting, int epoch, string? instanceId)
    {
        var membership = Joined(out _, instanceId: "i-1");

        var leave = membership.Leave(restarting);

        Assert.Equal(("m-1", epoch, instanceId), (leave.MemberId, leave.MemberEpoch, leave.InstanceId));
        Assert.Null(leave.SubscribedTopicNames);
        Assert.Null(leave.TopicPartitions);
        Assert.Equal(ProtocolSentinels.UnchangedRebalanceTimeoutMs, leave.RebalanceTimeoutMs);
        Assert.Equal("", membership.MemberId);
    }

    private static GroupMembership Joined(out ConsumerGroupHeartbeatRequest join, string? instanceId = null, string? assignor = null)
    {
        var membership = new GroupMembership("g", instanceId, assignor, TimeSpan.FromMinutes(1));
        membership.Subscribe(["t"]);
        join = membership.NextHeartbeat([]);
        Assert.Equal(HeartbeatOutcome.NewAssignment, membership.OnAnswer(new ConsumerGroupHeartbeatResponse
        {
            MemberId = "m-1",
            MemberEpoch = 3,
            HeartbeatIntervalMs = 500,
            Assignment = [new TopicPartitions("t", [1, 0])],
        }));
        return membership;
    }

    private static ConsumerGroupHeartbeatResponse Ok(int epoch) => new() { MemberId = "m-1", MemberEpoch = epoch, HeartbeatIntervalMs = 500 };
}
