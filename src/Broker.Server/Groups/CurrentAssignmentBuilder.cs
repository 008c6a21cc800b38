using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// Moves one member's current assignment a step towards its target (KIP-848's reconciliation), given the
/// partitions the member reports owning. The rules that keep a partition from having two owners:
/// <list type="bullet">
/// <item>a member is given a partition of its target only when no other member holds it (assigned, or not yet
/// released);</item>
/// <item>a member that must give up partitions is first sent an assignment without them and keeps its epoch; they
/// stay held by it (pending revocation) until it reports it no longer owns them;</item>
/// <item>only then does its epoch advance to the assignment epoch.</item>
/// </list>
/// Pure: the same inputs give the same result.
/// </summary>
internal static class CurrentAssignmentBuilder
{
    /// <param name="current">The member's current assignment.</param>
    /// <param name="targetEpoch">The group's assignment epoch.</param>
    /// <param name="target">The member's target at that epoch.</param>
    /// <param name="owned">What the member reports owning; null if it did not say (then it is assumed to own all it held).</param>
    /// <param name="heldByOther">Whether another member holds a partition.</param>
    public static GroupCurrentMemberAssignmentValue Reconcile(
        GroupCurrentMemberAssignmentValue current,
        int targetEpoch,
        TopicPartitionSet target,
        TopicPartitionSet? owned,
        Func<TopicPartition, bool> heldByOther)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.State switch
        {
            MemberState.Stable when current.MemberEpoch == targetEpoch => current,
            MemberState.UnrevokedPartitions when StillOwnsAny(owned, current.PendingRevocation) => current,

            // Unreleased members recompute on every heartbeat: that is how they pick up partitions others released.
            _ => NextStep(current, targetEpoch, target, owned, heldByOther),
        };
    }

    private static GroupCurrentMemberAssignmentValue NextStep(
        GroupCurrentMemberAssignmentValue current,
        int targetEpoch,
        TopicPartitionSet target,
        TopicPartitionSet? owned,
        Func<TopicPartition, bool> heldByOther)
    {
        // Partitions pending revocation here were released (or Reconcile would have returned): they drop out.
        var kept = current.Assigned.Intersect(target);
        var toRevoke = current.Assigned.Except(target);
        if (!toRevoke.IsEmpty && StillOwnsAny(owned, toRevoke))
        {
            return current with
            {
                State = MemberState.UnrevokedPartitions,
                Assigned = kept,
                PendingRevocation = toRevoke,
            };
        }

        var wanted = target.Except(kept);
        var free = wanted.Filter(p => !heldByOther(p));
        var previous = current.MemberEpoch == targetEpoch ? current.PreviousMemberEpoch : current.MemberEpoch;
        return new GroupCurrentMemberAssignmentValue(
            targetEpoch,
            previous,
            free.Count < wanted.Count ? MemberState.UnreleasedPartitions : MemberState.Stable,
            kept.Union(free),
            TopicPartitionSet.Empty);
    }

    private static bool StillOwnsAny(TopicPartitionSet? owned, TopicPartitionSet partitions) =>
        owned is null || owned.Overlaps(partitions);
}
