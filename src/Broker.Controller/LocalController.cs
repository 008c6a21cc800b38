using Broker.Controller.Configs;
using Broker.Controller.Metadata;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Controller;

/// <summary>
/// The controller of a single-node cluster: validates admin operations, writes their records to the local
/// <see cref="MetadataLog"/> and publishes the new image. Operations are serialised by one async lock, so each sees
/// the image its predecessors produced. Each item (topic, config resource) is one batch in the log: it commits
/// whole or not at all, and a failure of one item leaves the others' results standing.
/// </summary>
public sealed class LocalController : IClusterController, IDisposable
{
    private readonly MetadataLog _log;
    private readonly ControllerDefaults _defaults;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private MetadataImage _image;

    private LocalController(MetadataLog log, ControllerDefaults defaults, MetadataImage image)
    {
        _log = log;
        _defaults = defaults;
        _image = image;
    }

    public event Action<MetadataImage, MetadataImage>? ImageChanged;

    public MetadataImage Image => Volatile.Read(ref _image);

    /// <summary>Replays the metadata log into an image.</summary>
    public static LocalController Open(MetadataLog log, ControllerDefaults defaults) => new(log, defaults, Replay(log));

    /// <summary>Registers (or re-registers with a new address) this node and unfences it.</summary>
    public async ValueTask RegisterBrokerAsync(int nodeId, string host, int port, string? rack, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var known = Image.Brokers.GetValueOrDefault(nodeId);
            if (known is { Fenced: false } && known.Host == host && known.Port == port && known.Rack == rack)
            {
                return;
            }

            var epoch = _log.EndOffset;
            await CommitAsync([new RegisterBrokerRecord(nodeId, host, port, rack, epoch), new UnfenceBrokerRecord(nodeId, epoch)], cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask<IReadOnlyList<ControllerOutcome>> CreateTopicsAsync(IReadOnlyList<NewTopic> topics, bool validateOnly, CancellationToken cancellationToken = default) =>
        ForEachAsync(topics, t => t.Name, (image, topic) => PlanCreateTopic(image, topic, internalTopic: false), validateOnly, cancellationToken);

    public async ValueTask<ControllerOutcome> CreateInternalTopicAsync(NewTopic topic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var outcomes = await ForEachAsync([topic], t => t.Name, (image, t) => PlanCreateTopic(image, t, internalTopic: true), validateOnly: false, cancellationToken);
        return outcomes[0];
    }

    public ValueTask<IReadOnlyList<ControllerOutcome>> DeleteTopicsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default) =>
        ForEachAsync(names, n => n, (image, name) => [new RemoveTopicRecord(RequireTopic(image, name, "deleted").TopicId)], validateOnly: false, cancellationToken);

    public ValueTask<IReadOnlyList<ControllerOutcome>> CreatePartitionsAsync(IReadOnlyList<(string Topic, int TotalCount)> topics, bool validateOnly, CancellationToken cancellationToken = default) =>
        ForEachAsync(topics, t => t.Topic, PlanCreatePartitions, validateOnly, cancellationToken);

    public ValueTask<IReadOnlyList<ControllerOutcome>> AlterConfigsAsync(IReadOnlyList<(ConfigResource Resource, IReadOnlyList<ConfigChange> Changes)> resources, bool validateOnly, CancellationToken cancellationToken = default) =>
        ForEachAsync(resources, r => r.Resource.Name, PlanAlterConfigs, validateOnly, cancellationToken);

    public async ValueTask<ProducerIdBlock> AllocateProducerIdsAsync(int brokerId, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var broker = Image.Brokers.GetValueOrDefault(brokerId)
                ?? throw new BrokerException(ErrorCode.CoordinatorNotAvailable, $"Broker {brokerId} is not registered; it cannot be given producer ids yet.");
            var block = new ProducerIdBlock(Image.NextProducerId, ControllerLimits.ProducerIdBlockSize);
            if (block.NextId < block.FirstId)
            {
                throw new BrokerException(ErrorCode.UnknownServerError, "Every producer id has been given out.");
            }

            await CommitAsync([new ProducerIdsRecord(brokerId, broker.Epoch, block.NextId)], cancellationToken);
            return block;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private async ValueTask<IReadOnlyList<ControllerOutcome>> ForEachAsync<T>(
        IReadOnlyList<T> items, Func<T, string> nameOf, Func<MetadataImage, T, IReadOnlyList<MetadataRecord>> plan, bool validateOnly, CancellationToken cancellationToken)
    {
        var outcomes = new ControllerOutcome[items.Count];
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                var name = nameOf(items[i]) ?? string.Empty;
                try
                {
                    var records = plan(Image, items[i]);
                    if (!validateOnly && records.Count > 0)
                    {
                        await CommitAsync(records, cancellationToken);
                    }

                    outcomes[i] = ControllerOutcome.Success(name);
                }
                catch (BrokerException e)
                {
                    outcomes[i] = ControllerOutcome.Failure(name, e);
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }

        return outcomes;
    }

    /// <summary>
    /// Writes the records and applies them to the image. The image must always be what replaying the log gives, or
    /// the next operation plans from a stale image and writes records a replay refuses (the broker would not start):
    /// so the caller's cancellation counts only until the write begins, and a failed write (an fsync error, say)
    /// re-reads the image from the log, whatever of the batch it kept.
    /// </summary>
    private async ValueTask CommitAsync(IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long baseOffset;
        try
        {
            baseOffset = await _log.AppendAsync(records, CancellationToken.None);
        }
        catch (BrokerException)
        {
            Reload();
            throw;
        }

        var previous = Image;
        var next = previous;
        for (var i = 0; i < records.Count; i++)
        {
            next = next.Apply(records[i], baseOffset + i);
        }

        Volatile.Write(ref _image, next);
        ImageChanged?.Invoke(previous, next);
    }

    private void Reload()
    {
        var previous = Image;
        var next = Replay(_log);
        Volatile.Write(ref _image, next);
        ImageChanged?.Invoke(previous, next);
    }

    private static MetadataImage Replay(MetadataLog log)
    {
        var image = MetadataImage.Empty;
        foreach (var (offset, record) in log.ReadAll())
        {
            image = image.Apply(record, offset);
        }

        return image;
    }

    private IReadOnlyList<MetadataRecord> PlanCreateTopic(MetadataImage image, NewTopic topic, bool internalTopic)
    {
        TopicPartition.ValidateTopicName(topic.Name);
        if (ControllerLimits.IsInternal(topic.Name) != internalTopic)
        {
            throw new BrokerException(ErrorCode.InvalidTopic, internalTopic
                ? $"Internal topic names start with '{ControllerLimits.InternalTopicPrefix}'; '{topic.Name}' does not."
                : $"Topic names starting with '{ControllerLimits.InternalTopicPrefix}' are reserved for internal topics.");
        }

        if (image.Topics.ContainsKey(topic.Name))
        {
            throw new BrokerException(ErrorCode.TopicAlreadyExists, $"Topic '{topic.Name}' already exists.");
        }

        var partitions = topic.Partitions == -1 ? _defaults.Partitions : topic.Partitions;
        RequirePartitionCount(partitions, 1);
        var replicationFactor = topic.ReplicationFactor == -1 ? _defaults.ReplicationFactor : topic.ReplicationFactor;
        var brokers = LiveBrokers(image, replicationFactor);
        var configs = topic.Configs ?? new Dictionary<string, string>();
        TopicConfigs.Apply(_defaults.LogConfig, configs);

        var topicId = Guid.NewGuid();
        var records = new List<MetadataRecord> { new TopicRecord(topic.Name, topicId) };
        AddPartitions(records, topic.Name, topicId, 0, partitions, replicationFactor, brokers);
        foreach (var (key, value) in configs.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            records.Add(new ConfigRecord(ConfigResourceType.Topic, topic.Name, key, value.Trim()));
        }

        return records;
    }

    private IReadOnlyList<MetadataRecord> PlanCreatePartitions(MetadataImage image, (string Topic, int TotalCount) request)
    {
        var topic = RequireTopic(image, request.Topic, "repartitioned");
        var current = topic.Partitions.Length;
        if (request.TotalCount <= current)
        {
            throw new BrokerException(ErrorCode.InvalidPartitions, $"Topic '{topic.Name}' has {current} partitions; the new total must be larger, got {request.TotalCount}.");
        }

        RequirePartitionCount(request.TotalCount, current + 1);
        var replicationFactor = topic.Partitions[0].Replicas.Length;
        var records = new List<MetadataRecord>();
        AddPartitions(records, topic.Name, topic.TopicId, current, request.TotalCount - current, replicationFactor, LiveBrokers(image, replicationFactor));
        return records;
    }

    private IReadOnlyList<MetadataRecord> PlanAlterConfigs(MetadataImage image, (ConfigResource Resource, IReadOnlyList<ConfigChange> Changes) request)
    {
        var (resource, changes) = request;
        if (resource.Type != ConfigResourceType.Topic)
        {
            throw new BrokerException(ErrorCode.InvalidRequest, "Broker configuration is set in the broker's configuration file, not at run time.");
        }

        RequireTopic(image, resource.Name);
        var merged = new Dictionary<string, string>(image.ConfigOf(resource.Type, resource.Name), StringComparer.Ordinal);
        foreach (var change in changes)
        {
            TopicConfigs.RequireKnown(change.Key);
            if (change.Value is null)
            {
                merged.Remove(change.Key);
            }
            else
            {
                merged[change.Key] = change.Value.Trim();
            }
        }

        TopicConfigs.Apply(_defaults.LogConfig, merged);
        return [.. changes.Select(c => new ConfigRecord(resource.Type, resource.Name, c.Key, c.Value?.Trim()))];
    }

    private static void AddPartitions(List<MetadataRecord> records, string topic, Guid topicId, int first, int count, int replicationFactor, IReadOnlyList<int> brokers)
    {
        var placements = ReplicaPlacer.Place(topic, first, count, replicationFactor, brokers);
        for (var p = 0; p < count; p++)
        {
            var replicas = placements[p];
            records.Add(new PartitionRecord(topicId, first + p, replicas, replicas, replicas[0], LeaderEpoch: 0));
        }
    }

    private static int[] LiveBrokers(MetadataImage image, int replicationFactor)
    {
        int[] live = [.. image.Brokers.Values.Where(b => !b.Fenced).Select(b => b.NodeId)];
        if (replicationFactor < 1 || replicationFactor > live.Length)
        {
            throw new BrokerException(ErrorCode.InvalidReplicationFactor, $"Replication factor {replicationFactor} is not between 1 and the {live.Length} live broker(s).");
        }

        return live;
    }

    private static void RequirePartitionCount(int count, int min)
    {
        if (count < min || count > ControllerLimits.PartitionsPerTopicMax)
        {
            throw new BrokerException(ErrorCode.InvalidPartitions, $"Partition count {count} is not between {min} and {ControllerLimits.PartitionsPerTopicMax}.");
        }
    }

    private static TopicImage RequireTopic(MetadataImage image, string name) =>
        image.Topics.GetValueOrDefault(name) ?? throw new BrokerException(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.");

    /// <summary>A topic a client may delete or repartition: not one of the broker's internal topics.</summary>
    private static TopicImage RequireTopic(MetadataImage image, string name, string change)
    {
        var topic = RequireTopic(image, name);
        if (ControllerLimits.IsInternal(name))
        {
            throw new BrokerException(ErrorCode.InvalidTopic, $"'{name}' is an internal topic of the broker and cannot be {change}.");
        }

        return topic;
    }
}
