namespace Broker.Server.Groups;

/// <summary>
/// The kinds of records in a <c>__consumer_offsets</c> partition. The number is the second byte of every key;
/// do not renumber. A key type names the entity whose latest value compaction keeps.
/// </summary>
public enum GroupRecordType : sbyte
{
    /// <summary>Key: group. Value: <see cref="GroupMetadataValue"/> (group epoch, partition counts of subscribed topics).</summary>
    GroupMetadata = 1,

    /// <summary>Key: group + member. Value: <see cref="GroupMemberMetadataValue"/> (subscription and client facts).</summary>
    GroupMemberMetadata = 2,

    /// <summary>Key: group. Value: <see cref="GroupTargetAssignmentMetadataValue"/> (assignment epoch).</summary>
    GroupTargetAssignmentMetadata = 3,

    /// <summary>Key: group + member. Value: <see cref="GroupTargetAssignmentMemberValue"/> (the member's target partitions).</summary>
    GroupTargetAssignmentMember = 4,

    /// <summary>Key: group + member. Value: <see cref="GroupCurrentMemberAssignmentValue"/> (epochs, state, held partitions).</summary>
    GroupCurrentMemberAssignment = 5,

    /// <summary>Key: group + topic + partition. Value: <see cref="OffsetCommitValue"/>.</summary>
    OffsetCommit = 6,
}
