using Broker.Client.Admin;
using Broker.Client.Network;
using Broker.Core;
using Broker.Protocol.Messages.Metadata;

namespace Broker.Client.Metadata;

/// <summary>
/// An immutable picture of the cluster: brokers, controller and the topics this client asked about. Replaced
/// whole on each refresh, so readers on any thread see a consistent set without locks.
/// </summary>
internal sealed class ClusterSnapshot
{
    public static readonly ClusterSnapshot Empty = new(null, -1, new Dictionary<int, BrokerNode>(), new Dictionary<string, TopicDescription>(StringComparer.Ordinal));

    private ClusterSnapshot(string? clusterId, int controllerId, IReadOnlyDictionary<int, BrokerNode> brokers, IReadOnlyDictionary<string, TopicDescription> topics)
    {
        ClusterId = clusterId;
        ControllerId = controllerId;
        Brokers = brokers;
        Topics = topics;
    }

    public string? ClusterId { get; }

    public int ControllerId { get; }

    public IReadOnlyDictionary<int, BrokerNode> Brokers { get; }

    public IReadOnlyDictionary<string, TopicDescription> Topics { get; }

    /// <summary>The leader's address, or null when the partition is unknown, has no leader, or its leader is not a listed broker.</summary>
    public BrokerEndpoint? LeaderOf(TopicPartition partition)
    {
        var leader = LeaderIdOf(partition);
        return leader >= 0 && Brokers.TryGetValue(leader, out var node) ? node.Endpoint : null;
    }

    public int LeaderIdOf(TopicPartition partition)
    {
        if (!Topics.TryGetValue(partition.Topic, out var topic) || (uint)partition.Partition >= (uint)topic.Partitions.Count)
        {
            return -1;
        }

        var description = topic.Partitions[partition.Partition];
        return description.Partition == partition.Partition ? description.Leader : -1;
    }

    /// <summary>
    /// A new snapshot with <paramref name="response"/> applied. A response to a request for every topic replaces the
    /// topic set; one for named topics replaces only those.
    /// </summary>
    public ClusterSnapshot With(MetadataResponse response, bool allTopics)
    {
        var brokers = new Dictionary<int, BrokerNode>();
        foreach (var broker in response.Brokers)
        {
            brokers[broker.NodeId] = new BrokerNode(broker.NodeId, broker.Host, broker.Port, broker.Rack);
        }

        var topics = allTopics
            ? new Dictionary<string, TopicDescription>(StringComparer.Ordinal)
            : new Dictionary<string, TopicDescription>(Topics, StringComparer.Ordinal);
        foreach (var topic in response.Topics)
        {
            topics[topic.Name] = Describe(topic);
        }

        return new ClusterSnapshot(response.ClusterId, response.ControllerId, brokers, topics);
    }

    private static TopicDescription Describe(MetadataResponseTopic topic)
    {
        var partitions = topic.Partitions
            .OrderBy(p => p.PartitionIndex)
            .Select(p => new PartitionDescription(p.PartitionIndex, p.LeaderId, p.LeaderEpoch, p.ReplicaNodes, p.IsrNodes, p.OfflineReplicas, p.ErrorCode))
            .ToArray();
        return new TopicDescription(topic.Name, topic.IsInternal, partitions, topic.ErrorCode);
    }
}
