namespace Broker.Server.Groups;

/// <summary>A member as DescribeGroups shows it: who it is, what it holds now, and where it is headed.</summary>
public sealed record MemberDescription(
    string MemberId,
    string? InstanceId,
    string? RackId,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopics,
    int MemberEpoch,
    MemberState State,
    TopicPartitionSet Assigned,
    TopicPartitionSet PendingRevocation,
    TopicPartitionSet Target);
