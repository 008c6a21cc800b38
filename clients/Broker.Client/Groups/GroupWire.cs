using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;

namespace Broker.Client.Groups;

/// <summary>
/// Conversions between the client's types (<see cref="TopicPartition"/>, <see cref="OffsetAndMetadata"/>) and the
/// group APIs' wire messages, shared by the consumer and the admin client so both build and read them one way.
/// </summary>
internal static class GroupWire
{
    /// <summary>Partitions grouped by topic, topics and partitions in ascending order.</summary>
    public static TopicPartitions[] ToWire(IEnumerable<TopicPartition> partitions) =>
    [
        .. partitions
            .GroupBy(p => p.Topic, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TopicPartitions(g.Key, [.. g.Select(p => p.Partition).Distinct().Order()])),
    ];

    /// <summary>Flattened and sorted (topic, then partition).</summary>
    public static TopicPartition[] FromWire(IReadOnlyList<TopicPartitions> topics) =>
        [.. topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p))).Distinct().Order(PartitionOrder.Instance)];

    public static OffsetCommitRequest CommitRequest(
        string groupId, MemberIdentity member, IReadOnlyCollection<KeyValuePair<TopicPartition, OffsetAndMetadata>> offsets) => new()
    {
        GroupId = groupId,
        MemberId = member.MemberId,
        GenerationIdOrMemberEpoch = member.MemberEpoch,
        GroupInstanceId = member.InstanceId,
        Topics = [.. offsets
            .GroupBy(o => o.Key.Topic, StringComparer.Ordinal)
            .Select(g => new OffsetCommitRequestTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(o => new OffsetCommitRequestPartition
                {
                    PartitionIndex = o.Key.Partition,
                    CommittedOffset = o.Value.Offset,
                    CommittedLeaderEpoch = ProtocolSentinels.NoLeaderEpoch,
                    CommittedMetadata = o.Value.Metadata,
                })],
            })],
    };

    /// <summary>Each requested partition's outcome; one the answer leaves out counts as UNKNOWN_SERVER_ERROR.</summary>
    public static List<(TopicPartition Partition, ErrorCode Error)> CommitOutcomes(OffsetCommitResponse response, IEnumerable<TopicPartition> requested)
    {
        var answered = new Dictionary<TopicPartition, ErrorCode>();
        foreach (var topic in response.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                answered[new TopicPartition(topic.Name, partition.PartitionIndex)] = partition.ErrorCode;
            }
        }

        return [.. requested.Select(p => (p, answered.TryGetValue(p, out var error) ? error : ErrorCode.UnknownServerError))];
    }

    /// <summary><paramref name="partitions"/> null asks for every offset the group has committed.</summary>
    public static OffsetFetchRequest FetchRequest(string groupId, MemberIdentity member, IEnumerable<TopicPartition>? partitions) => new()
    {
        GroupId = groupId,
        MemberId = member.MemberId,
        MemberEpoch = member.MemberEpoch,
        Topics = partitions is null ? null : ToWire(partitions),
    };

    /// <summary>
    /// Every partition in the answer: its committed offset, null when it has none, or its error. A requested
    /// partition the answer leaves out counts as having none.
    /// </summary>
    public static Dictionary<TopicPartition, (OffsetAndMetadata? Committed, ErrorCode Error)> FetchOutcomes(
        OffsetFetchResponse response, IEnumerable<TopicPartition>? requested)
    {
        var outcomes = new Dictionary<TopicPartition, (OffsetAndMetadata?, ErrorCode)>();
        foreach (var partition in requested ?? [])
        {
            outcomes[partition] = (null, ErrorCode.None);
        }

        foreach (var topic in response.Topics)
        {
            foreach (var p in topic.Partitions)
            {
                var committed = p.ErrorCode == ErrorCode.None && p.CommittedOffset >= 0 ? new OffsetAndMetadata(p.CommittedOffset, p.Metadata) : null;
                outcomes[new TopicPartition(topic.Name, p.PartitionIndex)] = (committed, p.ErrorCode);
            }
        }

        return outcomes;
    }

    /// <summary>Orders partitions by topic (ordinal), then partition number: the order reports and tests read.</summary>
    public sealed class PartitionOrder : IComparer<TopicPartition>
    {
        public static readonly PartitionOrder Instance = new();

        public int Compare(TopicPartition x, TopicPartition y)
        {
            var byTopic = string.CompareOrdinal(x.Topic, y.Topic);
            return byTopic != 0 ? byTopic : x.Partition.CompareTo(y.Partition);
        }
    }
}
