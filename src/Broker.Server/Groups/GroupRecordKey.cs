using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// The key of a record in <c>__consumer_offsets</c>: the entity it describes. Compaction keeps the latest value
/// per key, so a key names exactly one entity: a group's metadata, one member's metadata / target / current
/// assignment, or one committed offset (group + topic + partition). Unused parts are null (and -1 for the partition).
/// </summary>
public readonly record struct GroupRecordKey(GroupRecordType Type, string GroupId, string? MemberId, string? Topic, int Partition)
{
    public static GroupRecordKey GroupMetadata(string groupId) => new(GroupRecordType.GroupMetadata, groupId, null, null, -1);

    public static GroupRecordKey TargetAssignmentMetadata(string groupId) =>
        new(GroupRecordType.GroupTargetAssignmentMetadata, groupId, null, null, -1);

    public static GroupRecordKey MemberMetadata(string groupId, string memberId) =>
        new(GroupRecordType.GroupMemberMetadata, groupId, memberId, null, -1);

    public static GroupRecordKey TargetAssignmentMember(string groupId, string memberId) =>
        new(GroupRecordType.GroupTargetAssignmentMember, groupId, memberId, null, -1);

    public static GroupRecordKey CurrentMemberAssignment(string groupId, string memberId) =>
        new(GroupRecordType.GroupCurrentMemberAssignment, groupId, memberId, null, -1);

    public static GroupRecordKey OffsetCommit(string groupId, TopicPartition partition) =>
        new(GroupRecordType.OffsetCommit, groupId, null, partition.Topic, partition.Partition);

    /// <summary>True for the key types that name a member (and carry a member id).</summary>
    public bool IsMemberKey => Type is GroupRecordType.GroupMemberMetadata
        or GroupRecordType.GroupTargetAssignmentMember
        or GroupRecordType.GroupCurrentMemberAssignment;

    public TopicPartition TopicPartition => new(Topic ?? throw new InvalidOperationException($"A {Type} key has no topic."), Partition);

    public override string ToString() => Type switch
    {
        GroupRecordType.OffsetCommit => $"{Type}({GroupId}, {Topic}-{Partition})",
        _ when IsMemberKey => $"{Type}({GroupId}, {MemberId})",
        _ => $"{Type}({GroupId})",
    };
}
