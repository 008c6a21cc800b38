using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// Kafka's range assignment, per topic: the members subscribed to the topic, in order of instance id (or member id
/// for dynamic members, so static members keep their ranges across restarts), each take a consecutive range of
/// partitions; with P partitions and N members, the first P mod N members take one more. Topics with the same
/// partition count and subscribers are therefore co-partitioned: partition i of each goes to the same member.
/// Not sticky beyond that order: a member joining shifts the ranges of the members after it.
/// </summary>
public sealed class RangeAssignor : IPartitionAssignor
{
    public const string AssignorName = "range";

    public string Name => AssignorName;

    public IReadOnlyDictionary<string, TopicPartitionSet> Assign(AssignmentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var members = spec.Members
            .OrderBy(m => m.InstanceId ?? m.MemberId, StringComparer.Ordinal)
            .ThenBy(m => m.MemberId, StringComparer.Ordinal)
            .ToArray();
        var owned = members.ToDictionary(m => m.MemberId, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        foreach (var (topic, count) in spec.PartitionCounts.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var subscribers = members.Where(m => m.SubscribedTopics.Contains(topic)).ToArray();
            if (subscribers.Length == 0 || count <= 0)
            {
                continue;
            }

            var start = 0;
            for (var i = 0; i < subscribers.Length; i++)
            {
                var length = (count / subscribers.Length) + (i < count % subscribers.Length ? 1 : 0);
                owned[subscribers[i].MemberId].AddRange(Enumerable.Range(start, length).Select(p => new TopicPartition(topic, p)));
                start += length;
            }
        }

        return owned.ToDictionary(o => o.Key, o => TopicPartitionSet.Of(o.Value), StringComparer.Ordinal);
    }
}
