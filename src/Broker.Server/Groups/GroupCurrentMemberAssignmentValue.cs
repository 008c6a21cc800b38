using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// What a member holds now: its epoch (and the one before, accepted once from a client whose response was lost),
/// its reconciliation state, the partitions assigned to it and those it must still release. A partition in either
/// set is held by this member, and the coordinator gives it to nobody else until it leaves both.
/// <see cref="MemberEpoch"/> is <see cref="GroupMemberEpochs.StaticLeave"/> while a static member is away.
/// </summary>
public sealed record GroupCurrentMemberAssignmentValue(
    int MemberEpoch,
    int PreviousMemberEpoch,
    MemberState State,
    TopicPartitionSet Assigned,
    TopicPartitionSet PendingRevocation) : GroupRecordValue
{
    /// <summary>A member that has joined but not yet reconciled: epoch 0, nothing held.</summary>
    public static readonly GroupCurrentMemberAssignmentValue Initial =
        new(GroupMemberEpochs.Join, GroupMemberEpochs.Leave, MemberState.Stable, TopicPartitionSet.Empty, TopicPartitionSet.Empty);

    public override GroupRecordType Type => GroupRecordType.GroupCurrentMemberAssignment;

    /// <summary>Every partition this member holds: assigned, or not yet released.</summary>
    public IEnumerable<TopicPartition> Held => Assigned.Concat(PendingRevocation);
}
