using Broker.Core.Errors;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;
using Broker.Protocol.Messages.DeleteGroups;
using Broker.Protocol.Messages.DescribeGroups;
using Broker.Protocol.Messages.FindCoordinator;
using Broker.Protocol.Messages.LeaveGroup;
using Broker.Protocol.Messages.ListGroups;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;

namespace Broker.Protocol.Tests.Support;

/// <summary>
/// <see cref="SampleMessages"/> for the consumer-group APIs: every field away from its default, nullable fields
/// both null and set somewhere in the set, non-ASCII text for UTF-8 lengths.
/// </summary>
internal static class GroupSampleMessages
{
    public static FindCoordinatorRequest FindCoordinator() => new() { Key = "payments-ç", KeyType = CoordinatorType.Group };

    public static FindCoordinatorResponse FindCoordinatorResult() => new()
    {
        ThrottleTimeMs = 11,
        ErrorMessage = "moved from 1",
        NodeId = 2,
        Host = "broker-2.internal",
        Port = 9192,
    };

    /// <summary>A steady-state heartbeat that reports a change of everything: every nullable field set.</summary>
    public static ConsumerGroupHeartbeatRequest Heartbeat() => new()
    {
        GroupId = "payments",
        MemberId = "m-7f3a",
        MemberEpoch = 12,
        InstanceId = "pod-3",
        RackId = "eu-west-1b",
        RebalanceTimeoutMs = 45_000,
        SubscribedTopicNames = ["orders", "événements"],
        ServerAssignor = GroupWireValues.RangeAssignor,
        TopicPartitions = [new("orders", [0, 3, 5]), new("événements", [])],
    };

    public static ConsumerGroupHeartbeatResponse HeartbeatResult() => new()
    {
        ThrottleTimeMs = 12,
        ErrorMessage = "epoch bumped",
        MemberId = "m-7f3a",
        MemberEpoch = 13,
        HeartbeatIntervalMs = 5_000,
        Assignment = [new("orders", [0, 3]), new("événements", [1])],
    };

    public static LeaveGroupRequest LeaveGroup() => new()
    {
        GroupId = "payments",
        Members = [new("m-7f3a", "pod-3", "scaled down"), new("m-9", null, null)],
    };

    public static LeaveGroupResponse LeaveGroupResult() => new()
    {
        ThrottleTimeMs = 13,
        Members = [new("m-7f3a", "pod-3", ErrorCode.None), new("m-9", null, ErrorCode.UnknownMemberId)],
    };

    public static OffsetCommitRequest OffsetCommit() => new()
    {
        GroupId = "payments",
        GenerationIdOrMemberEpoch = 13,
        MemberId = "m-7f3a",
        GroupInstanceId = "pod-3",
        Topics =
        [
            new OffsetCommitRequestTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, CommittedOffset = 1L << 33, CommittedLeaderEpoch = 4, CommittedMetadata = "host=a" },
                    new() { PartitionIndex = 3, CommittedOffset = 17, CommittedLeaderEpoch = -1 },
                ],
            },
        ],
    };

    public static OffsetCommitResponse OffsetCommitResult() => new()
    {
        ThrottleTimeMs = 14,
        Topics =
        [
            new OffsetCommitResponseTopic { Name = "orders", Partitions = [new(0, ErrorCode.None), new(3, ErrorCode.UnknownTopicOrPartition)] },
        ],
    };

    public static OffsetFetchRequest OffsetFetch() => new()
    {
        GroupId = "payments",
        MemberId = "m-7f3a",
        MemberEpoch = 13,
        RequireStable = true,
        Topics = [new("orders", [0, 3]), new("événements", [1])],
    };

    public static OffsetFetchResponse OffsetFetchResult() => new()
    {
        ThrottleTimeMs = 15,
        Topics =
        [
            new OffsetFetchResponseTopic
            {
                Name = "orders",
                Partitions =
                [
                    new() { PartitionIndex = 0, CommittedOffset = 1L << 33, CommittedLeaderEpoch = 4, Metadata = "host=a" },
                    new() { PartitionIndex = 3, CommittedOffset = -1, CommittedLeaderEpoch = -1, ErrorCode = ErrorCode.UnknownTopicOrPartition },
                ],
            },
        ],
    };

    public static ListGroupsRequest ListGroups() => new() { StatesFilter = ["Stable", "Reconciling"], TypesFilter = ["consumer"] };

    public static ListGroupsResponse ListGroupsResult() => new()
    {
        ThrottleTimeMs = 16,
        Groups =
        [
            new("payments", GroupWireValues.ConsumerProtocolType, GroupWireValues.StableState, GroupWireValues.ConsumerGroupType),
            new("audit-ü", GroupWireValues.ConsumerProtocolType, GroupWireValues.EmptyState, GroupWireValues.ConsumerGroupType),
        ],
    };

    public static DescribeGroupsRequest DescribeGroups() => new() { GroupIds = ["payments", "gone"], IncludeAuthorizedOperations = true };

    public static DescribeGroupsResponse DescribeGroupsResult() => new()
    {
        ThrottleTimeMs = 17,
        Groups =
        [
            new DescribeGroupsResponseGroup
            {
                GroupId = "payments",
                GroupState = GroupWireValues.ReconcilingState,
                GroupEpoch = 14,
                AssignmentEpoch = 13,
                AssignorName = GroupWireValues.UniformAssignor,
                AuthorizedOperations = 0x0F80,
                Members =
                [
                    new DescribeGroupsResponseMember
                    {
                        MemberId = "m-7f3a",
                        InstanceId = "pod-3",
                        RackId = "eu-west-1b",
                        MemberEpoch = 13,
                        ClientId = "billing",
                        ClientHost = "/10.0.0.7",
                        SubscribedTopicNames = ["orders"],
                        Assignment = [new("orders", [0, 3])],
                        TargetAssignment = [new("orders", [0])],
                    },
                    new DescribeGroupsResponseMember { MemberId = "m-9", MemberEpoch = 14, ClientId = "billing", ClientHost = "/10.0.0.8" },
                ],
            },
            new DescribeGroupsResponseGroup { ErrorCode = ErrorCode.GroupIdNotFound, ErrorMessage = "no group 'gone'", GroupId = "gone" },
        ],
    };

    public static DeleteGroupsRequest DeleteGroups() => new() { GroupsNames = ["payments", "old"] };

    public static DeleteGroupsResponse DeleteGroupsResult() => new()
    {
        ThrottleTimeMs = 18,
        Results = [new("payments", ErrorCode.NonEmptyGroup, "2 members"), new("old", ErrorCode.None)],
    };
}
