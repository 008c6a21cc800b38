namespace Broker.Server.Groups;

/// <summary>
/// One heartbeat of a member (KIP-848's ConsumerGroupHeartbeat), the only call through which it joins, stays
/// alive, reports what it owns and learns its assignment.
/// </summary>
/// <param name="GroupId">The group.</param>
/// <param name="MemberId">Empty to join; the id the coordinator gave otherwise.</param>
/// <param name="MemberEpoch">0 to join (or rejoin after FENCED_MEMBER_EPOCH), -1 to leave, -2 for a static member to leave for a restart, else the member's epoch.</param>
/// <param name="InstanceId">group.instance.id of a static member; read at join only.</param>
/// <param name="RackId">The member's rack; null: unchanged.</param>
/// <param name="RebalanceTimeoutMs">How long the member may take to release partitions; -1: unchanged (or the default at join).</param>
/// <param name="SubscribedTopics">The topics the member subscribes to; null: unchanged. Required at join.</param>
/// <param name="ServerAssignor">The assignor the member prefers; null: unchanged.</param>
/// <param name="OwnedPartitions">The partitions the member owns now; null: unchanged since the last heartbeat.</param>
/// <param name="ClientId">The client's client.id, for DescribeGroups.</param>
/// <param name="ClientHost">The client's address, for DescribeGroups.</param>
public sealed record HeartbeatInput(
    string GroupId,
    string MemberId,
    int MemberEpoch,
    string? InstanceId = null,
    string? RackId = null,
    int RebalanceTimeoutMs = -1,
    IReadOnlyList<string>? SubscribedTopics = null,
    string? ServerAssignor = null,
    TopicPartitionSet? OwnedPartitions = null,
    string ClientId = "",
    string ClientHost = "");
