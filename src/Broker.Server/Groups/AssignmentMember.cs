namespace Broker.Server.Groups;

/// <summary>One member as an assignor sees it: identity, subscription (ordinal order), and its current target.</summary>
public sealed record AssignmentMember(
    string MemberId,
    string? InstanceId,
    string? RackId,
    IReadOnlyList<string> SubscribedTopics,
    TopicPartitionSet CurrentTarget);
