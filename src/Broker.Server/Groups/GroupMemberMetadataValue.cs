namespace Broker.Server.Groups;

/// <summary>
/// What a member declared about itself: subscription (topics in ordinal order), preferred server assignor (null:
/// the group's default), timeouts, and client facts for DescribeGroups. Written when a member joins and when any of
/// these change; a change of subscription or assignor bumps the group epoch.
/// </summary>
public sealed record GroupMemberMetadataValue(
    string? InstanceId,
    string? RackId,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopics,
    int RebalanceTimeoutMs,
    int SessionTimeoutMs,
    string? ServerAssignor) : GroupRecordValue
{
    public override GroupRecordType Type => GroupRecordType.GroupMemberMetadata;

    /// <summary>True when the assignment inputs (subscription, assignor) differ: the case that bumps the group epoch.</summary>
    public bool AssignmentInputsDiffer(GroupMemberMetadataValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ServerAssignor != other.ServerAssignor || !SubscribedTopics.SequenceEqual(other.SubscribedTopics);
    }

    /// <summary>Field-wise equality (the record's own compares the topic list by reference).</summary>
    public bool SameAs(GroupMemberMetadataValue? other) =>
        other is not null
        && !AssignmentInputsDiffer(other)
        && (InstanceId, RackId, ClientId, ClientHost, RebalanceTimeoutMs, SessionTimeoutMs)
        == (other.InstanceId, other.RackId, other.ClientId, other.ClientHost, other.RebalanceTimeoutMs, other.SessionTimeoutMs);
}
