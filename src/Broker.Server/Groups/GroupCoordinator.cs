using System.Collections.Concurrent;
using Broker.Controller;
using Broker.Controller.Configs;
using Broker.Controller.Metadata;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Server.Replication;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Groups;

/// <summary>
/// The group coordinator of this broker: one <see cref="CoordinatorPartition"/> for each partition of
/// <c>__consumer_offsets</c> this broker leads, started (and loaded from the partition) when the metadata image makes
/// it leader and closed when leadership moves or the topic goes. Routes each group to its partition
/// (<see cref="OffsetsTopic.PartitionFor"/>), creates the offsets topic on first use (FindCoordinator, as Kafka does),
/// and fences members whose sessions expire, every <see cref="_sessionCheckInterval"/>.
/// <para>Threading: every public member is thread-safe. Image changes arrive on the controller's thread, after the
/// <see cref="ReplicaManager"/> has opened the logs of the new image (it subscribed first).</para>
/// </summary>
public sealed class GroupCoordinator : IAsyncDisposable, IGroupTopicMetadata
{
    /// <summary>max.message.bytes of the offsets topic: the largest batch one coordinator operation may write.</summary>
    public const int OperationBatchBytesMax = 64 * 1024 * 1024;

    private readonly ConcurrentDictionary<int, CoordinatorPartition> _partitions = new();
    private readonly IClusterController _controller;
    private readonly ReplicaManager _replicas;
    private readonly GroupCoordinatorOptions _options;
    private readonly short _replicationFactor;
    private readonly int _segmentBytes;
    private readonly TimeSpan _sessionCheckInterval;
    private readonly int _nodeId;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _topicCreation = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _sessionChecks;

    public GroupCoordinator(
        IClusterController controller, ReplicaManager replicas, GroupCoordinatorOptions options, short replicationFactor, int segmentBytes,
        TimeSpan sessionCheckInterval, int nodeId, TimeProvider time, ILoggerFactory loggers)
    {
        options.Validate();
        _controller = controller;
        _replicas = replicas;
        _options = options;
        _replicationFactor = replicationFactor;
        _segmentBytes = segmentBytes;
        _sessionCheckInterval = sessionCheckInterval;
        _nodeId = nodeId;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GroupCoordinator>();
    }

    public GroupCoordinatorOptions Options => _options;

    /// <summary>The offsets topic partitions this broker coordinates and has loaded.</summary>
    public int ActivePartitions => _partitions.Values.Count(p => p.IsActive);

    /// <summary>Takes up the current image, follows later ones, and starts the session checks.</summary>
    public void Start()
    {
        _controller.ImageChanged += OnImageChanged;
        OnImageChanged(MetadataImage.Empty, _controller.Image);
        _sessionChecks = Task.Run(CheckSessionsAsync);
    }

    /// <summary>
    /// FindCoordinator: the broker that leads the group's partition, creating the offsets topic if it does not exist.
    /// Throws COORDINATOR_NOT_AVAILABLE when the partition has no leader (or the topic cannot be created yet).
    /// </summary>
    public async ValueTask<BrokerRegistration> FindCoordinatorAsync(string groupId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            throw new BrokerException(ErrorCode.InvalidGroupId, "The group id is empty.");
        }

        var topic = await EnsureOffsetsTopicAsync(cancellationToken);
        var image = _controller.Image;
        var registration = topic.Partitions[OffsetsTopic.PartitionFor(groupId, topic.Partitions.Length)];
        if (registration.Leader == PartitionRegistration.NoLeader || !image.Brokers.TryGetValue(registration.Leader, out var leader) || leader.Fenced)
        {
            throw new BrokerException(ErrorCode.CoordinatorNotAvailable, $"Partition {registration.PartitionIndex} of {OffsetsTopic.Name} has no live leader.");
        }

        return leader;
    }

    /// <summary>The coordinator of <paramref name="groupId"/> if this broker is it; NOT_COORDINATOR (or, while it
    /// loads, COORDINATOR_LOAD_IN_PROGRESS) otherwise.</summary>
    internal CoordinatorPartition PartitionOf(string groupId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            throw new BrokerException(ErrorCode.InvalidGroupId, "The group id is empty.");
        }

        if (_controller.Image.Topics.GetValueOrDefault(OffsetsTopic.Name) is not { } topic)
        {
            throw new BrokerException(ErrorCode.NotCoordinator, $"{OffsetsTopic.Name} does not exist yet: send FindCoordinator first.");
        }

        var index = OffsetsTopic.PartitionFor(groupId, topic.Partitions.Length);
        return _partitions.TryGetValue(index, out var partition)
            ? partition
            : throw new BrokerException(ErrorCode.NotCoordinator, $"Broker {_nodeId} is not the coordinator of group '{groupId}' (partition {index} of {OffsetsTopic.Name}).");
    }

    /// <summary>Every loaded coordinator partition, for ListGroups.</summary>
    internal IReadOnlyList<CoordinatorPartition> LoadedPartitions => [.. _partitions.Values.Where(p => p.IsActive)];

    /// <summary>The partition count of a topic in the current image, for the assignors.</summary>
    public int? PartitionCount(string topic) =>
        _controller.Image.Topics.TryGetValue(topic, out var image) ? image.Partitions.Length : null;

    public async ValueTask DisposeAsync()
    {
        _controller.ImageChanged -= OnImageChanged;
        await _stopping.CancelAsync();
        if (_sessionChecks is not null)
        {
            await _sessionChecks.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var partition in _partitions.Values)
        {
            partition.Dispose();
        }

        _partitions.Clear();
        _stopping.Dispose();
        _topicCreation.Dispose();
    }

    private async ValueTask<TopicImage> EnsureOffsetsTopicAsync(CancellationToken cancellationToken)
    {
        if (_controller.Image.Topics.GetValueOrDefault(OffsetsTopic.Name) is { } existing)
        {
            return existing;
        }

        await _topicCreation.WaitAsync(cancellationToken);
        try
        {
            if (_controller.Image.Topics.GetValueOrDefault(OffsetsTopic.Name) is { } created)
            {
                return created;
            }

            var live = (short)_controller.Image.Brokers.Values.Count(b => !b.Fenced);
            var replicationFactor = Math.Min(_replicationFactor, live);
            if (replicationFactor < _replicationFactor)
            {
                _logger.LogWarning("Creating {Topic} with replication factor {Factor}: only {Live} broker(s) are live (configured: {Configured})",
                    OffsetsTopic.Name, replicationFactor, live, _replicationFactor);
            }

            var configs = new Dictionary<string, string>
            {
                [TopicConfigs.CleanupPolicy] = "compact",
                [TopicConfigs.SegmentBytes] = _segmentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),

                // One operation is one batch (it commits whole); a commit of many partitions or the deletion of a big
                // group makes a large one.
                [TopicConfigs.MaxMessageBytes] = OperationBatchBytesMax.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var outcome = await _controller.CreateInternalTopicAsync(
                new NewTopic(OffsetsTopic.Name, _options.OffsetsTopicPartitions, Math.Max((short)1, replicationFactor), configs), cancellationToken);
            if (outcome.Error is not (ErrorCode.None or ErrorCode.TopicAlreadyExists))
            {
                throw new BrokerException(ErrorCode.CoordinatorNotAvailable, $"Could not create {OffsetsTopic.Name}: {outcome.Message}");
            }

            _logger.LogInformation("Created {Topic} with {Partitions} partition(s)", OffsetsTopic.Name, _options.OffsetsTopicPartitions);
            return _controller.Image.Topics[OffsetsTopic.Name];
        }
        finally
        {
            _topicCreation.Release();
        }
    }

    private void OnImageChanged(MetadataImage previous, MetadataImage next)
    {
        var topic = next.Topics.GetValueOrDefault(OffsetsTopic.Name);
        if (topic is not null && ReferenceEquals(topic, previous.Topics.GetValueOrDefault(OffsetsTopic.Name)))
        {
            return; // images share unchanged parts: the offsets topic did not change
        }

        foreach (var (index, partition) in _partitions)
        {
            var registration = topic is not null && index < topic.Partitions.Length ? topic.Partitions[index] : null;
            if (registration is null || registration.Leader != _nodeId || registration.LeaderEpoch != partition.LeaderEpoch)
            {
                _partitions.TryRemove(index, out _);
                partition.Dispose();
                _logger.LogInformation("No longer coordinating the groups of {Partition}", partition.Partition);
            }
        }

        if (topic is null)
        {
            return;
        }

        foreach (var registration in topic.Partitions)
        {
            if (registration.Leader == _nodeId && !_partitions.ContainsKey(registration.PartitionIndex))
            {
                var partition = new CoordinatorPartition(
                    new TopicPartition(OffsetsTopic.Name, registration.PartitionIndex), registration.LeaderEpoch, _options, this, _replicas, _time,
                    _loggers.CreateLogger<CoordinatorPartition>(), _stopping.Token);
                _partitions[registration.PartitionIndex] = partition;
                partition.StartLoading();
            }
        }
    }

    /// <summary>Fences members whose session or revocation deadline passed, on every loaded partition.</summary>
    private async Task CheckSessionsAsync()
    {
        using var timer = new PeriodicTimer(_sessionCheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                foreach (var partition in LoadedPartitions)
                {
                    try
                    {
                        var fenced = await partition.WriteAsync((shard, now) => shard.ExpireSessions(now), _stopping.Token);
                        foreach (var member in fenced)
                        {
                            _logger.LogInformation("Fenced member {Member} of group {Group}: {Reason}", member.MemberId, member.GroupId, member.Reason);
                        }
                    }
                    catch (BrokerException)
                    {
                        // Moved or reloading: the next tick sees the new state.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
