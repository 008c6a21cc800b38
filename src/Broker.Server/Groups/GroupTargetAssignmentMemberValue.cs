namespace Broker.Server.Groups;

/// <summary>The partitions the assignor chose for one member: where the member is headed, not what it holds.</summary>
public sealed record GroupTargetAssignmentMemberValue(TopicPartitionSet Partitions) : GroupRecordValue
{
    public override GroupRecordType Type => GroupRecordType.GroupTargetAssignmentMember;
}
