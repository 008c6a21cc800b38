using System.Collections.Concurrent;
using Broker.Controller;
using Broker.Controller.Configs;
using Broker.Controller.Metadata;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Replication;

/// <summary>
/// The partitions this broker hosts, and the protocol-agnostic operations on them: append (with acks), read up to
/// the high watermark, wait for data, look up offsets. Follows the metadata image: creates the logs of partitions
/// assigned to this node, applies topic config changes, deletes the logs of deleted topics (and, at start, logs no
/// topic owns any more).
/// The high watermark (HW) is the offset below which records are committed: with one replica in sync it is the
/// log end offset (LEO), or under flush=always the flushed offset, so a consumer never reads what a crash of the
/// process (or, with flush=always, of the machine) could take back.
/// Threading: every public member is thread-safe; metadata changes arrive on the controller's thread in order.
/// </summary>
public sealed class ReplicaManager
{
    private readonly ConcurrentDictionary<TopicPartition, HostedPartition> _partitions = new();
    private readonly LogManager _logs;
    private readonly IClusterController _controller;
    private readonly LogConfig _defaults;
    private readonly int _nodeId;
    private readonly ILogger _logger;

    public ReplicaManager(LogManager logs, IClusterController controller, LogConfig defaults, int nodeId, ILogger<ReplicaManager> logger)
    {
        _logs = logs;
        _controller = controller;
        _defaults = defaults;
        _nodeId = nodeId;
        _logger = logger;
    }

    public int PartitionCount => _partitions.Count;

    /// <summary>(partition, log end offset, high watermark) of every hosted partition, for metrics.</summary>
    public IEnumerable<(TopicPartition Partition, long LogEndOffset, long HighWatermark)> Offsets =>
        _partitions.Values.Select(p => (p.TopicPartition, p.Log.LogEndOffset, p.Log.HighWatermark));

    /// <summary>Takes up the current image and follows later ones; deletes logs that no topic owns.</summary>
    public void Start()
    {
        _controller.ImageChanged += OnImageChanged;
        var image = _controller.Image;
        OnImageChanged(MetadataImage.Empty, image);
        foreach (var log in _logs.Logs.ToArray())
        {
            var tp = log.TopicPartition;
            if (tp != MetadataLog.Partition && !_partitions.ContainsKey(tp))
            {
                _logger.LogInformation("Deleting {Partition}: no topic in the metadata owns it", tp);
                _logs.DeleteLog(tp);
            }
        }
    }

    /// <summary>Appends producer batches to a partition this broker leads. Waits for the fsync under flush=always.
    /// acks=0 and 1 complete after the local append; acks=-1 (all) waits for the in-sync replicas, which on one
    /// node is the same moment, and is refused when fewer than min.insync.replicas are in sync.</summary>
    public async ValueTask<AppendOutcome> AppendAsync(TopicPartition tp, Memory<byte> records, short acks, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tp, out var partition))
        {
            return AppendOutcome.Failed(ErrorCode.UnknownTopicOrPartition, $"This broker hosts no partition {tp}.");
        }

        var role = partition.Role;
        if (!role.IsLeader)
        {
            return AppendOutcome.Failed(ErrorCode.NotLeaderOrFollower, $"Broker {_nodeId} is not the leader of {tp}; broker {role.LeaderId} is.");
        }

        if (acks == -1 && role.IsrCount < role.MinInsyncReplicas)
        {
            return AppendOutcome.Failed(ErrorCode.NotEnoughReplicas, $"{tp} has {role.IsrCount} in-sync replica(s); min.insync.replicas is {role.MinInsyncReplicas}.");
        }

        try
        {
            var log = partition.Log;
            var result = await log.AppendAsLeaderAsync(records, role.LeaderEpoch, cancellationToken);
            partition.AdvanceHighWatermark(log.Config.Flush == FlushPolicy.Always ? log.FlushedOffset : result.NextOffset, answerFetchesHere: true);
            return new AppendOutcome(ErrorCode.None, null, result.BaseOffset, result.LogAppendTimeMs, log.LogStartOffset);
        }
        catch (BrokerException e)
        {
            return AppendOutcome.Failed(e.Code, e.Message);
        }
        catch (ObjectDisposedException)
        {
            return AppendOutcome.Failed(ErrorCode.UnknownTopicOrPartition, DeletedMeanwhile(tp));
        }
    }

    /// <summary>Reads whole batches from <paramref name="offset"/>, below the high watermark.</summary>
    public ReadOutcome Read(TopicPartition tp, long offset, int maxBytes)
    {
        if (!_partitions.TryGetValue(tp, out var partition))
        {
            return ReadOutcome.Failed(ErrorCode.UnknownTopicOrPartition, $"This broker hosts no partition {tp}.");
        }

        if (!partition.Role.IsLeader)
        {
            return ReadOutcome.Failed(ErrorCode.NotLeaderOrFollower, $"Broker {_nodeId} is not the leader of {tp}.");
        }

        var log = partition.Log;
        var highWatermark = log.HighWatermark;
        try
        {
            var read = log.Read(offset, maxBytes, highWatermark);
            return new ReadOutcome(ErrorCode.None, null, highWatermark, log.LogStartOffset, read);
        }
        catch (BrokerException e)
        {
            return new ReadOutcome(e.Code, e.Message, highWatermark, log.LogStartOffset, default);
        }
        catch (ObjectDisposedException)
        {
            return ReadOutcome.Failed(ErrorCode.UnknownTopicOrPartition, DeletedMeanwhile(tp));
        }
    }

    /// <summary>A request that reached a partition's log as the partition was deleted (its log closed under it) is
    /// answered as if it had come a moment later, when the partition was gone: a retriable error, and the
    /// connection stays open.</summary>
    private static string DeletedMeanwhile(TopicPartition tp) => $"{tp} was deleted while the request was served.";

    /// <summary>A task that completes when any of <paramref name="partitions"/> receives data (or null if none is
    /// hosted). The caller races it against its max wait.</summary>
    public Task? DataArrival(IReadOnlyList<TopicPartition> partitions)
    {
        Task? any = null;
        List<Task>? all = null;
        foreach (var tp in partitions)
        {
            if (_partitions.TryGetValue(tp, out var partition))
            {
                var next = partition.Signal.NextAsync();
                if (any is null)
                {
                    any = next;
                }
                else
                {
                    (all ??= [any]).Add(next);
                }
            }
        }

        return all is null ? any : Task.WhenAny(all);
    }

    /// <summary>ListOffsets: -2 earliest (log start), -1 latest (high watermark), otherwise the first offset whose
    /// batch timestamp is at least <paramref name="timestampMs"/> (-1 offset when none).</summary>
    public OffsetLookup ListOffset(TopicPartition tp, long timestampMs)
    {
        if (!_partitions.TryGetValue(tp, out var partition))
        {
            return new OffsetLookup(ErrorCode.UnknownTopicOrPartition, $"This broker hosts no partition {tp}.", -1, -1);
        }

        if (!partition.Role.IsLeader)
        {
            return new OffsetLookup(ErrorCode.NotLeaderOrFollower, $"Broker {_nodeId} is not the leader of {tp}.", -1, -1);
        }

        var log = partition.Log;
        var highWatermark = log.HighWatermark;
        try
        {
            return timestampMs switch
            {
                -2 => new OffsetLookup(ErrorCode.None, null, -1, log.LogStartOffset),
                -1 => new OffsetLookup(ErrorCode.None, null, -1, highWatermark),
                < 0 => new OffsetLookup(ErrorCode.InvalidRequest, $"Timestamp {timestampMs} is not -2, -1 or a time in ms.", -1, -1),
                _ => log.FindOffsetByTimestamp(timestampMs, highWatermark) is { } found
                    ? new OffsetLookup(ErrorCode.None, null, found.TimestampMs, found.Offset)
                    : new OffsetLookup(ErrorCode.None, null, -1, -1),
            };
        }
        catch (ObjectDisposedException)
        {
            return new OffsetLookup(ErrorCode.UnknownTopicOrPartition, DeletedMeanwhile(tp), -1, -1);
        }
    }

    private void OnImageChanged(MetadataImage previous, MetadataImage next)
    {
        foreach (var (name, topic) in previous.Topics)
        {
            if (!next.Topics.TryGetValue(name, out var now) || now.TopicId != topic.TopicId)
            {
                RemoveTopic(topic);
            }
        }

        foreach (var (name, topic) in next.Topics)
        {
            var overrides = next.ConfigOf(ConfigResourceType.Topic, name);
            if (previous.Topics.TryGetValue(name, out var before) && ReferenceEquals(before, topic)
                && ReferenceEquals(previous.ConfigOf(ConfigResourceType.Topic, name), overrides)
                && HostsAll(name, topic))
            {
                continue; // images share unchanged parts: nothing about this topic changed (a log that failed to open is tried again)
            }

            var config = TopicConfigs.Apply(_defaults, overrides);
            foreach (var registration in topic.Partitions)
            {
                if (registration.Replicas.Contains(_nodeId))
                {
                    Host(new TopicPartition(name, registration.PartitionIndex), topic.TopicId, registration, config);
                }
            }
        }
    }

    private bool HostsAll(string name, TopicImage topic)
    {
        foreach (var registration in topic.Partitions)
        {
            if (registration.Replicas.Contains(_nodeId) && !_partitions.ContainsKey(new TopicPartition(name, registration.PartitionIndex)))
            {
                return false;
            }
        }

        return true;
    }

    private void Host(TopicPartition tp, Guid topicId, PartitionRegistration registration, LogConfig config)
    {
        var role = new PartitionRole(registration.Leader == _nodeId, registration.Leader, registration.LeaderEpoch, registration.Isr.Length, config.MinInsyncReplicas);
        try
        {
            var log = _logs.GetOrCreateLog(tp, config);
            var partition = _partitions.GetOrAdd(tp, _ => new HostedPartition(tp, topicId, log, role));
            partition.Role = role;
            if (role.IsLeader)
            {
                // Here, on the controller's thread, rather than in the epoch's first append: it fsyncs.
                log.AssignLeaderEpoch(role.LeaderEpoch);
            }

            if (role.IsLeader && role.IsrCount == 1)
            {
                // Alone in the ISR: everything in the log (flushed, under flush=always) is committed. After a restart this
                // restores a HW the checkpoint may have recorded low.
                partition.AdvanceHighWatermark(config.Flush == FlushPolicy.Always ? log.FlushedOffset : log.LogEndOffset, answerFetchesHere: false);
            }
        }
        catch (BrokerException e)
        {
            _logger.LogError(e, "Could not open the log of {Partition}", tp);
        }
    }

    private void RemoveTopic(TopicImage topic)
    {
        foreach (var registration in topic.Partitions)
        {
            var tp = new TopicPartition(topic.Name, registration.PartitionIndex);
            if (_partitions.TryRemove(tp, out var partition))
            {
                partition.Signal.Notify();
                _logs.DeleteLog(tp);
            }
        }
    }
}
