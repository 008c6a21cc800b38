using Broker.Core;

namespace Broker.Client.Admin;

/// <summary>
/// One member of a described group. <see cref="Assignment"/> is what it owns now; <see cref="TargetAssignment"/>
/// what the assignor gave it, equal once it has reconciled. <see cref="InstanceId"/> is set for a static member.
/// </summary>
public sealed record GroupMemberDescription(
    string MemberId,
    string? InstanceId,
    string? RackId,
    int MemberEpoch,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopics,
    IReadOnlyList<TopicPartition> Assignment,
    IReadOnlyList<TopicPartition> TargetAssignment);
