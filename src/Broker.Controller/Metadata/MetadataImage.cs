using System.Collections.Immutable;

namespace Broker.Controller.Metadata;

/// <summary>
/// The cluster metadata at one offset of the metadata log: brokers, topics, partitions, configs, the producer ids
/// given out. Immutable: a
/// reader holds an image and sees one consistent state however long it takes; <see cref="Apply"/> returns a new
/// image sharing structure with this one. Records reaching Apply were validated by the controller before they
/// were written, so one that does not fit the image is a bug (or a damaged log) and throws.
/// </summary>
public sealed class MetadataImage
{
    public static readonly MetadataImage Empty = new(
        -1,
        ImmutableSortedDictionary<int, BrokerRegistration>.Empty,
        ImmutableSortedDictionary.Create<string, TopicImage>(StringComparer.Ordinal),
        ImmutableDictionary<Guid, string>.Empty,
        ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>>.Empty,
        0);

    private MetadataImage(
        long offset,
        ImmutableSortedDictionary<int, BrokerRegistration> brokers,
        ImmutableSortedDictionary<string, TopicImage> topics,
        ImmutableDictionary<Guid, string> topicNamesById,
        ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>> configs,
        long nextProducerId)
    {
        Offset = offset;
        Brokers = brokers;
        Topics = topics;
        TopicNamesById = topicNamesById;
        Configs = configs;
        NextProducerId = nextProducerId;
    }

    /// <summary>Offset of the last record applied; -1 for the empty image.</summary>
    public long Offset { get; }

    public ImmutableSortedDictionary<int, BrokerRegistration> Brokers { get; }

    /// <summary>Topics by name, in name order.</summary>
    public ImmutableSortedDictionary<string, TopicImage> Topics { get; }

    public ImmutableDictionary<Guid, string> TopicNamesById { get; }

    public ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>> Configs { get; }

    /// <summary>The first producer id no broker has been given (the end of the last <see cref="ProducerIdsRecord"/>'s
    /// block); 0 before the first.</summary>
    public long NextProducerId { get; }

    /// <summary>The explicitly set configuration of a resource (defaults are not stored).</summary>
    public ImmutableSortedDictionary<string, string> ConfigOf(ConfigResourceType type, string name) =>
        Configs.TryGetValue(new ConfigResource(type, name), out var config) ? config : ImmutableSortedDictionary<string, string>.Empty;

    public TopicImage? TopicById(Guid topicId) => TopicNamesById.TryGetValue(topicId, out var name) ? Topics[name] : null;

    /// <summary>The image after <paramref name="record"/>, written at <paramref name="offset"/>.</summary>
    public MetadataImage Apply(MetadataRecord record, long offset)
    {
        if (offset <= Offset)
        {
            throw new InvalidOperationException($"Metadata record at offset {offset} applied after offset {Offset}.");
        }

        return record switch
        {
            RegisterBrokerRecord r => With(offset, brokers: Brokers.SetItem(r.NodeId, new BrokerRegistration(r.NodeId, r.Host, r.Port, r.Rack, r.Epoch, Fenced: true))),
            FenceBrokerRecord r => With(offset, brokers: Brokers.SetItem(r.NodeId, RequireBroker(r.NodeId) with { Fenced = true })),
            UnfenceBrokerRecord r => With(offset, brokers: Brokers.SetItem(r.NodeId, RequireBroker(r.NodeId) with { Fenced = false })),
            TopicRecord r => ApplyTopic(r, offset),
            PartitionRecord r => ApplyPartition(r, offset),
            PartitionChangeRecord r => ApplyPartitionChange(r, offset),
            RemoveTopicRecord r => ApplyRemoveTopic(r, offset),
            ConfigRecord r => ApplyConfig(r, offset),
            ProducerIdsRecord r => ApplyProducerIds(r, offset),
            _ => throw new InvalidOperationException($"Unknown metadata record {record.GetType().Name}."),
        };
    }

    private MetadataImage ApplyTopic(TopicRecord r, long offset)
    {
        if (Topics.ContainsKey(r.Name) || TopicNamesById.ContainsKey(r.TopicId))
        {
            throw new InvalidOperationException($"Topic {r.Name} ({r.TopicId}) already exists.");
        }

        return With(offset, topics: Topics.Add(r.Name, new TopicImage(r.Name, r.TopicId, [])), topicNamesById: TopicNamesById.Add(r.TopicId, r.Name));
    }

    private MetadataImage ApplyPartition(PartitionRecord r, long offset)
    {
        var topic = RequireTopic(r.TopicId);
        if (r.PartitionIndex != topic.Partitions.Length)
        {
            throw new InvalidOperationException($"Partition {r.PartitionIndex} of {topic.Name} is out of order; the topic has {topic.Partitions.Length}.");
        }

        var partition = new PartitionRegistration(r.PartitionIndex, [.. r.Replicas], [.. r.Isr], r.Leader, r.LeaderEpoch, 0);
        return With(offset, topics: Topics.SetItem(topic.Name, topic with { Partitions = topic.Partitions.Add(partition) }));
    }

    private MetadataImage ApplyPartitionChange(PartitionChangeRecord r, long offset)
    {
        var topic = RequireTopic(r.TopicId);
        if ((uint)r.PartitionIndex >= (uint)topic.Partitions.Length)
        {
            throw new InvalidOperationException($"Partition {r.PartitionIndex} of {topic.Name} does not exist.");
        }

        var old = topic.Partitions[r.PartitionIndex];
        var changed = old with
        {
            Leader = r.Leader ?? old.Leader,
            LeaderEpoch = r.Leader.HasValue ? old.LeaderEpoch + 1 : old.LeaderEpoch,
            Isr = r.Isr is null ? old.Isr : [.. r.Isr],
            PartitionEpoch = old.PartitionEpoch + 1,
        };
        return With(offset, topics: Topics.SetItem(topic.Name, topic with { Partitions = topic.Partitions.SetItem(r.PartitionIndex, changed) }));
    }

    private MetadataImage ApplyRemoveTopic(RemoveTopicRecord r, long offset)
    {
        var topic = RequireTopic(r.TopicId);
        return With(
            offset,
            topics: Topics.Remove(topic.Name),
            topicNamesById: TopicNamesById.Remove(r.TopicId),
            configs: Configs.Remove(new ConfigResource(ConfigResourceType.Topic, topic.Name)));
    }

    private MetadataImage ApplyConfig(ConfigRecord r, long offset)
    {
        var resource = new ConfigResource(r.ResourceType, r.ResourceName);
        var config = ConfigOf(r.ResourceType, r.ResourceName);
        config = r.Value is null ? config.Remove(r.Key) : config.SetItem(r.Key, r.Value);
        return With(offset, configs: config.IsEmpty ? Configs.Remove(resource) : Configs.SetItem(resource, config));
    }

    private MetadataImage ApplyProducerIds(ProducerIdsRecord r, long offset)
    {
        if (r.NextProducerId <= NextProducerId)
        {
            throw new InvalidOperationException($"Producer ids up to {r.NextProducerId} given out after ids up to {NextProducerId}: ids would be reused.");
        }

        return With(offset, nextProducerId: r.NextProducerId);
    }

    private BrokerRegistration RequireBroker(int nodeId) =>
        Brokers.TryGetValue(nodeId, out var broker) ? broker : throw new InvalidOperationException($"Broker {nodeId} is not registered.");

    private TopicImage RequireTopic(Guid topicId) =>
        TopicById(topicId) ?? throw new InvalidOperationException($"Topic id {topicId} does not exist.");

    private MetadataImage With(
        long offset,
        ImmutableSortedDictionary<int, BrokerRegistration>? brokers = null,
        ImmutableSortedDictionary<string, TopicImage>? topics = null,
        ImmutableDictionary<Guid, string>? topicNamesById = null,
        ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>>? configs = null,
        long? nextProducerId = null) =>
        new(offset, brokers ?? Brokers, topics ?? Topics, topicNamesById ?? TopicNamesById, configs ?? Configs, nextProducerId ?? NextProducerId);
}
