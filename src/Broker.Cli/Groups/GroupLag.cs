using Broker.Client;
using Broker.Client.Admin;
using Broker.Core;

namespace Broker.Cli.Groups;

/// <summary>
/// Which partitions a group's report covers, and their lag: every partition of the topics its members subscribe to
/// or it has committed offsets for, as kafka-consumer-groups.sh reports them. Pure: the caller looks everything up.
/// </summary>
internal static class GroupLag
{
    /// <summary>The topics to report: subscribed by a member, or with a committed offset.</summary>
    public static SortedSet<string> TopicsOf(GroupDescription group, IReadOnlyDictionary<TopicPartition, OffsetAndMetadata?> committed) =>
        new(group.Members.SelectMany(m => m.SubscribedTopics).Concat(committed.Keys.Select(p => p.Topic)), StringComparer.Ordinal);

    /// <param name="group">The group, for who owns each partition.</param>
    /// <param name="committed">The group's committed offsets (a partition missing or null: none).</param>
    /// <param name="topics">The reported topics that exist; a committed partition of any other topic is reported without offsets.</param>
    /// <param name="ranges">Log start and end of the partitions whose leader answered.</param>
    /// <returns>One entry per partition, ordered by topic, then partition.</returns>
    public static List<PartitionLag> Compute(
        GroupDescription group,
        IReadOnlyDictionary<TopicPartition, OffsetAndMetadata?> committed,
        IEnumerable<TopicDescription> topics,
        IReadOnlyDictionary<TopicPartition, LogRange> ranges)
    {
        var owners = new Dictionary<TopicPartition, string>();
        foreach (var member in group.Members)
        {
            foreach (var partition in member.Assignment)
            {
                owners[partition] = member.MemberId;
            }
        }

        var partitions = topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p.Partition)))
            .Concat(committed.Keys)
            .Distinct()
            .OrderBy(p => p.Topic, StringComparer.Ordinal)
            .ThenBy(p => p.Partition);
        return
        [
            .. partitions.Select(p => new PartitionLag(
                p,
                committed.GetValueOrDefault(p)?.Offset,
                ranges.TryGetValue(p, out var range) ? range : null,
                owners.GetValueOrDefault(p))),
        ];
    }
}
