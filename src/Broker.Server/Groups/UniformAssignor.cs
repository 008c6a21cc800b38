using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// Spreads partitions evenly over the members, counting each member's partitions across all the topics it
/// subscribes to, and moves as few partitions as it can from one target to the next.
/// <list type="number">
/// <item>Keep: every member keeps the partitions of its current target that still exist and that it still
/// subscribes to.</item>
/// <item>Place: each partition nobody kept goes to the member, among those subscribed to its topic, with the fewest
/// partitions; partitions with the fewest candidates are placed first, so narrow subscriptions are served before
/// wide ones take the slack.</item>
/// <item>Balance: while some member holds a partition that another member subscribed to its topic could take,
/// and the taker has at least two fewer, move one. Each move lowers the sum of squared counts, so this ends;
/// with identical subscriptions it ends with max - min &lt;= 1.</item>
/// </list>
/// So a member leaving moves only its own partitions, and a member joining takes only what balance requires.
/// Ties break by ordinal member id order, topic order, and partition number: the result is a pure function of
/// the spec, the same on every broker.
/// </summary>
public sealed class UniformAssignor : IPartitionAssignor
{
    public const string AssignorName = "uniform";

    public string Name => AssignorName;

    public IReadOnlyDictionary<string, TopicPartitionSet> Assign(AssignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var members = spec.Members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToArray();
        var candidates = CandidatesPerTopic(members, spec.PartitionCounts);
        var owned = members.Select(_ => new List<TopicPartition>()).ToArray();
        var claimed = KeepCurrentTargets(members, candidates, spec.PartitionCounts, owned);
        PlaceUnclaimed(candidates, spec.PartitionCounts, claimed, owned);
        while (TryMoveOne(candidates, owned))
        {
        }

        var result = new Dictionary<string, TopicPartitionSet>(members.Length, StringComparer.Ordinal);
        for (var i = 0; i < members.Length; i++)
        {
            result[members[i].MemberId] = TopicPartitionSet.Of(owned[i]);
        }

        return result;
    }

    /// <summary>Per existing topic, the indexes (ascending) of the members subscribed to it.</summary>
    private static SortedDictionary<string, int[]> CandidatesPerTopic(AssignmentMember[] members, IReadOnlyDictionary<string, int> counts)
    {
        var candidates = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var topic in members.SelectMany(m => m.SubscribedTopics).Distinct())
        {
            if (counts.TryGetValue(topic, out var count) && count > 0)
            {
                candidates[topic] = Enumerable.Range(0, members.Length).Where(i => members[i].SubscribedTopics.Contains(topic)).ToArray();
            }
        }

        return candidates;
    }

    private static HashSet<TopicPartition> KeepCurrentTargets(
        AssignmentMember[] members, SortedDictionary<string, int[]> candidates, IReadOnlyDictionary<string, int> counts, List<TopicPartition>[] owned)
    {
        var claimed = new HashSet<TopicPartition>();
        for (var i = 0; i < members.Length; i++)
        {
            foreach (var partition in members[i].CurrentTarget)
            {
                var stillValid = candidates.TryGetValue(partition.Topic, out var subscribers)
                    && Array.BinarySearch(subscribers, i) >= 0
                    && partition.Partition >= 0
                    && partition.Partition < counts[partition.Topic];

                // A partition in two current targets (never produced by the coordinator) stays with the first.
                if (stillValid && claimed.Add(partition))
                {
                    owned[i].Add(partition);
                }
            }
        }

        return claimed;
    }

    private static void PlaceUnclaimed(
        SortedDictionary<string, int[]> candidates, IReadOnlyDictionary<string, int> counts, HashSet<TopicPartition> claimed, List<TopicPartition>[] owned)
    {
        // OrderBy is stable: within one candidate count, topics stay in ordinal order and partitions ascending.
        var unclaimed = candidates
            .SelectMany(t => Enumerable.Range(0, counts[t.Key]).Select(p => new TopicPartition(t.Key, p)))
            .Where(p => !claimed.Contains(p))
            .OrderBy(p => candidates[p.Topic].Length);
        foreach (var partition in unclaimed)
        {
            var taker = -1;
            foreach (var member in candidates[partition.Topic])
            {
                if (taker < 0 || owned[member].Count < owned[taker].Count)
                {
                    taker = member;
                }
            }

            owned[taker].Add(partition);
        }
    }

    /// <summary>Moves one partition from a fuller member to an emptier one that can take it; false when none can.</summary>
    private static bool TryMoveOne(SortedDictionary<string, int[]> candidates, List<TopicPartition>[] owned)
    {
        var fewest = owned.Length == 0 ? 0 : owned.Min(o => o.Count);
        var fullestFirst = Enumerable.Range(0, owned.Length).OrderByDescending(i => owned[i].Count).ThenBy(i => i);
        foreach (var giver in fullestFirst)
        {
            if (owned[giver].Count <= fewest + 1)
            {
                return false; // the rest are no fuller: no pair differs by two or more
            }

            // From the end of the giver's list: the partitions it took most recently move first.
            for (var k = owned[giver].Count - 1; k >= 0; k--)
            {
                var partition = owned[giver][k];
                var taker = -1;
                foreach (var member in candidates[partition.Topic])
                {
                    if (owned[member].Count + 1 < owned[giver].Count && (taker < 0 || owned[member].Count < owned[taker].Count))
                    {
                        taker = member;
                    }
                }

                if (taker >= 0)
                {
                    owned[giver].RemoveAt(k);
                    owned[taker].Add(partition);
                    return true;
                }
            }
        }

        return false;
    }
}
