using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>Group epoch bumps, target assignment, and member removal: the steps every membership change shares.</summary>
public sealed partial class GroupCoordinatorShard
{
    /// <summary>
    /// Removes members (leave or fence): their holdings are released at once, so the partitions are free for the
    /// members the new target gives them to. One epoch bump and one new target for the whole batch.
    /// </summary>
    private void RemoveMembers(ConsumerGroup group, IReadOnlyList<string> memberIds, List<GroupRecord> records)
    {
        foreach (var memberId in memberIds)
        {
            EmitMemberTombstones(group, memberId, records);
        }

        BumpGroupEpoch(group, records);
        ComputeTargetAssignment(group, records);
    }

    /// <summary>Deletes a member's records: current assignment first (releasing its partitions), metadata last.</summary>
    private void EmitMemberTombstones(ConsumerGroup group, string memberId, List<GroupRecord> records)
    {
        if (group.Current.ContainsKey(memberId))
        {
            Emit(records, GroupRecordKey.CurrentMemberAssignment(group.GroupId, memberId), null);
        }

        if (group.Targets.ContainsKey(memberId))
        {
            Emit(records, GroupRecordKey.TargetAssignmentMember(group.GroupId, memberId), null);
        }

        Emit(records, GroupRecordKey.MemberMetadata(group.GroupId, memberId), null);
    }

    private void BumpGroupEpoch(ConsumerGroup group, List<GroupRecord> records) =>
        Emit(records, GroupRecordKey.GroupMetadata(group.GroupId), new GroupMetadataValue(group.GroupEpoch + 1, LivePartitionCounts(group)));

    /// <summary>The partition counts the metadata image gives now for the topics the group subscribes to.</summary>
    private List<TopicPartitionCount> LivePartitionCounts(ConsumerGroup group)
    {
        var counts = new List<TopicPartitionCount>();
        foreach (var topic in group.SubscribedTopics)
        {
            if (_topics.PartitionCount(topic) is > 0 and var count)
            {
                counts.Add(new TopicPartitionCount(topic, count));
            }
        }

        return counts;
    }

    /// <summary>
    /// Computes the target for the group epoch from the partition counts stored with it, and writes the member
    /// targets that changed, then the new assignment epoch. Members reconcile towards it on their own heartbeats.
    /// </summary>
    private void ComputeTargetAssignment(ConsumerGroup group, List<GroupRecord> records)
    {
        var counts = (group.Metadata?.PartitionCounts ?? []).ToDictionary(c => c.Topic, c => c.PartitionCount, StringComparer.Ordinal);
        var members = group.Members
            .Select(m => new AssignmentMember(m.Key, m.Value.InstanceId, m.Value.RackId, m.Value.SubscribedTopics, group.TargetOf(m.Key)))
            .ToList();
        var targets = ChooseAssignor(group).Assign(new AssignmentSpec(members, counts));
        CheckTargets(group.GroupId, members, counts, targets);
        foreach (var member in members)
        {
            var target = targets.GetValueOrDefault(member.MemberId) ?? TopicPartitionSet.Empty;
            if (!group.Targets.TryGetValue(member.MemberId, out var old) || !old.Equals(target))
            {
                Emit(records, GroupRecordKey.TargetAssignmentMember(group.GroupId, member.MemberId), new GroupTargetAssignmentMemberValue(target));
            }
        }

        Emit(records, GroupRecordKey.TargetAssignmentMetadata(group.GroupId), new GroupTargetAssignmentMetadataValue(group.GroupEpoch));
    }

    /// <summary>The assignor most members prefer (ties: ordinal name), or the default if none says.</summary>
    private IPartitionAssignor ChooseAssignor(ConsumerGroup group)
    {
        var preferred = group.Members.Values
            .Select(m => m.ServerAssignor)
            .OfType<string>()
            .GroupBy(name => name, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault()?.Key;
        return PartitionAssignors.Find(preferred ?? _options.DefaultAssignor) ?? PartitionAssignors.Find(_options.DefaultAssignor)!;
    }

    /// <summary>
    /// The assignor contract, checked on every result because a broken target is how a partition would end up
    /// unconsumed or consumed twice: every partition of every subscribed topic goes to exactly one subscriber.
    /// </summary>
    private static void CheckTargets(
        string groupId, List<AssignmentMember> members, Dictionary<string, int> counts, IReadOnlyDictionary<string, TopicPartitionSet> targets)
    {
        var seen = new HashSet<TopicPartition>();
        foreach (var member in members)
        {
            foreach (var partition in targets.GetValueOrDefault(member.MemberId) ?? TopicPartitionSet.Empty)
            {
                var valid = member.SubscribedTopics.Contains(partition.Topic)
                    && partition.Partition >= 0
                    && partition.Partition < counts.GetValueOrDefault(partition.Topic);
                if (!valid || !seen.Add(partition))
                {
                    throw new InvalidOperationException($"Group {groupId}: the assignor gave {partition} to {member.MemberId} wrongly or twice.");
                }
            }
        }

        var expected = counts
            .Where(c => members.Any(m => m.SubscribedTopics.Contains(c.Key)))
            .Sum(c => c.Value);
        if (seen.Count != expected)
        {
            throw new InvalidOperationException($"Group {groupId}: the assignor placed {seen.Count} of {expected} partitions.");
        }
    }
}
