using Broker.Core.Errors;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

/// <summary>
/// What the group APIs' fields mean once read: null is "unchanged" (or "all") and never confused with empty, the
/// epoch sentinels survive, nested fields come back where they were written, and the error-only form reads with
/// the documented defaults.
/// </summary>
public class GroupMessageTests
{
    [Fact]
    public void Heartbeat_fields_read_back_where_they_were_written()
    {
        var sent = GroupSampleMessages.Heartbeat();
        var read = RoundTrip(sent);

        Assert.Equal((sent.GroupId, sent.MemberId, sent.MemberEpoch), (read.GroupId, read.MemberId, read.MemberEpoch));
        Assert.Equal((sent.InstanceId, sent.RackId, sent.RebalanceTimeoutMs), (read.InstanceId, read.RackId, read.RebalanceTimeoutMs));
        Assert.Equal(sent.SubscribedTopicNames, read.SubscribedTopicNames);
        Assert.Equal(GroupWireValues.RangeAssignor, read.ServerAssignor);
        AssertSamePartitions(sent.TopicPartitions!, read.TopicPartitions!);

        var result = RoundTrip(GroupSampleMessages.HeartbeatResult());
        Assert.Equal(("m-7f3a", 13, 5_000), (result.MemberId, result.MemberEpoch, result.HeartbeatIntervalMs));
        AssertSamePartitions(GroupSampleMessages.HeartbeatResult().Assignment!, result.Assignment!);
    }

    [Fact]
    public void In_a_heartbeat_null_means_unchanged_and_empty_means_none()
    {
        var unchanged = RoundTrip(new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "m", MemberEpoch = 3 });
        Assert.Null(unchanged.SubscribedTopicNames);
        Assert.Null(unchanged.TopicPartitions);
        Assert.Null(unchanged.ServerAssignor);
        Assert.Equal(ProtocolSentinels.UnchangedRebalanceTimeoutMs, unchanged.RebalanceTimeoutMs);

        var none = RoundTrip(new ConsumerGroupHeartbeatRequest { GroupId = "g", SubscribedTopicNames = [], TopicPartitions = [] });
        Assert.Empty(none.SubscribedTopicNames!);
        Assert.Empty(none.TopicPartitions!);

        Assert.Null(RoundTrip(new ConsumerGroupHeartbeatResponse { MemberId = "m" }).Assignment);
        Assert.Empty(RoundTrip(new ConsumerGroupHeartbeatResponse { MemberId = "m", Assignment = [] }).Assignment!);
    }

    [Theory]
    [InlineData(ProtocolSentinels.JoinGroupMemberEpoch)]
    [InlineData(ProtocolSentinels.LeaveGroupMemberEpoch)]
    [InlineData(ProtocolSentinels.LeaveGroupStaticMemberEpoch)]
    [InlineData(int.MaxValue)]
    public void Heartbeat_member_epoch_sentinels_survive(int epoch) =>
        Assert.Equal(epoch, RoundTrip(new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "m", MemberEpoch = epoch }).MemberEpoch);

    [Fact]
    public void A_new_heartbeat_request_is_a_join_with_every_nullable_field_unchanged()
    {
        var request = new ConsumerGroupHeartbeatRequest { GroupId = "g" };
        Assert.Equal(("", ProtocolSentinels.JoinGroupMemberEpoch), (request.MemberId, request.MemberEpoch));
        Assert.Equal(ProtocolSentinels.UnchangedRebalanceTimeoutMs, request.RebalanceTimeoutMs);
    }

    [Fact]
    public void OffsetFetch_topics_null_asks_for_all_and_empty_for_none()
    {
        Assert.Null(RoundTrip(new OffsetFetchRequest { GroupId = "g" }).Topics);
        Assert.Empty(RoundTrip(new OffsetFetchRequest { GroupId = "g", Topics = [] }).Topics!);

        var read = RoundTrip(GroupSampleMessages.OffsetFetch());
        Assert.Equal(("m-7f3a", 13, true), (read.MemberId, read.MemberEpoch, read.RequireStable));
        AssertSamePartitions(GroupSampleMessages.OffsetFetch().Topics!, read.Topics!);
    }

    [Fact]
    public void Offset_commit_and_fetch_fields_read_back()
    {
        var commit = RoundTrip(GroupSampleMessages.OffsetCommit());
        Assert.Equal((13, "m-7f3a", "pod-3"), (commit.GenerationIdOrMemberEpoch, commit.MemberId, commit.GroupInstanceId));
        Assert.Equal(GroupSampleMessages.OffsetCommit().Topics[0].Partitions, commit.Topics[0].Partitions);

        var simple = RoundTrip(new OffsetCommitRequest { GroupId = "g" });
        Assert.Equal((ProtocolSentinels.NoMemberEpoch, (string?)null), (simple.GenerationIdOrMemberEpoch, simple.MemberId));

        var fetched = RoundTrip(GroupSampleMessages.OffsetFetchResult());
        Assert.Equal(GroupSampleMessages.OffsetFetchResult().Topics[0].Partitions, fetched.Topics[0].Partitions);
    }

    [Fact]
    public void DescribeGroups_members_and_their_assignments_read_back()
    {
        var sent = GroupSampleMessages.DescribeGroupsResult();
        var read = RoundTrip(sent);
        var group = read.Groups[0];
        Assert.Equal(("payments", "Reconciling", 14, 13, "uniform"), (group.GroupId, group.GroupState, group.GroupEpoch, group.AssignmentEpoch, group.AssignorName));
        Assert.Equal(0x0F80, group.AuthorizedOperations);
        var member = group.Members[0];
        Assert.Equal(("pod-3", "eu-west-1b", "billing", "/10.0.0.7"), (member.InstanceId, member.RackId, member.ClientId, member.ClientHost));
        AssertSamePartitions(sent.Groups[0].Members[0].Assignment, member.Assignment);
        AssertSamePartitions(sent.Groups[0].Members[0].TargetAssignment, member.TargetAssignment);
        Assert.Equal((ErrorCode.GroupIdNotFound, ProtocolSentinels.AuthorizedOperationsOmitted), (read.Groups[1].ErrorCode, read.Groups[1].AuthorizedOperations));
    }

    [Fact]
    public void The_error_only_form_reads_with_the_documented_defaults()
    {
        byte[] body = [0, (byte)ErrorCode.CoordinatorNotAvailable, 0, 0, 0, 0];

        var coordinator = MessageReader.Read<FindCoordinatorResponse>(body, 0);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, coordinator.ErrorCode);
        Assert.Equal((ProtocolSentinels.NoNodeId, "", ProtocolSentinels.NoPort), (coordinator.NodeId, coordinator.Host, coordinator.Port));

        // No assignment in an error: the member keeps its target, as with an explicit null.
        Assert.Null(MessageReader.Read<ConsumerGroupHeartbeatResponse>(body, 0).Assignment);
        Assert.Empty(MessageReader.Read<DescribeGroupsResponse>(body, 0).Groups);
    }

    [Fact]
    public void A_null_where_the_protocol_requires_an_array_is_malformed()
    {
        // A DescribeGroups member whose assignment is null: only the heartbeat gives null a meaning.
        var member = new DescribeGroupsResponseMember { MemberId = "m" };
        var body = Wire.Encode(new DescribeGroupsResponse { Groups = [new DescribeGroupsResponseGroup { GroupId = "g", Members = [member] }] });
        // The body ends: assignment count, target_assignment count, authorized_operations, 4 bytes each.
        var assignmentCount = body.Length - 12;
        body[assignmentCount] = 0xFF;
        body[assignmentCount + 1] = 0xFF;
        body[assignmentCount + 2] = 0xFF;
        body[assignmentCount + 3] = 0xFF;
        var error = Assert.Throws<ProtocolException>(() => MessageReader.Read<DescribeGroupsResponse>(body, 0));
        Assert.Equal(ProtocolViolation.MalformedBody, error.Violation);
    }

    private static TMessage RoundTrip<TMessage>(TMessage message)
        where TMessage : IMessage<TMessage> => MessageReader.Read<TMessage>(Wire.Encode(message), 0);

    private static void AssertSamePartitions(IReadOnlyList<TopicPartitions> expected, IReadOnlyList<TopicPartitions> actual)
    {
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Partitions, actual[i].Partitions);
        }
    }
}
