using System.Collections.Concurrent;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// Owns every partition log under one data directory:
/// <code>
/// &lt;data-dir&gt;/meta.properties                    cluster.id and node.id (see MetaProperties)
///            recovery-point-offset-checkpoint   per partition FlushedOffset   (OffsetCheckpointFile format)
///            replication-offset-checkpoint      per partition HighWatermark
///            log-start-offset-checkpoint        per partition LogStartOffset
///            cleaner-offset-checkpoint          per partition CleanerCheckpoint (end of the compacted prefix)
///            .clean-shutdown                    present only between a clean Close and the next open
///            &lt;topic&gt;-&lt;partition&gt;/                one PartitionLog each
/// </code>
/// <para>Open: formats the directory if new, refuses one formatted for another node, reads the checkpoints, notes
/// and deletes the clean-shutdown marker (so a crash from now on is detected), and loads every partition in
/// parallel, recovering each after the recovery point when the marker was absent.</para>
/// <para>Background (<see cref="StartBackgroundTasks"/>): every tick, on a <see cref="TimeProvider"/> timer, applies
/// retention, expires idle idempotent producers, flushes partitions whose flush interval passed, deletes expired *.deleted files, compacts at most one
/// compacted log (<see cref="LogCleaner"/>, bounded work) and rewrites the checkpoints. <see cref="RunMaintenance"/> is the same tick, callable directly.</para>
/// <para>Threading: all public members are thread-safe. Crash: checkpoints are replaced atomically, so they are
/// always some earlier consistent value; recovery points only err low, which costs recovery time, never data.</para>
/// </summary>
public sealed class LogManager : IDisposable
{
    private readonly ConcurrentDictionary<TopicPartition, PartitionLog> _logs = new();
    private readonly Lock _lifecycleLock = new();
    private readonly Lock _checkpointLock = new();
    private readonly TimeProvider _time;
    private readonly LogConfig _defaultConfig;
    private readonly LogCleaner _cleaner;
    private CancellationTokenSource? _background;
    private Task? _backgroundTask;
    private bool _closed;

    private LogManager(string dataDirectory, MetaProperties meta, LogConfig defaultConfig, TimeProvider time, bool hadCleanShutdown, CleanerConfig cleanerConfig)
    {
        _cleaner = new LogCleaner(cleanerConfig);
        DataDirectory = dataDirectory;
        ClusterId = meta.ClusterId;
        NodeId = meta.NodeId;
        _defaultConfig = defaultConfig;
        _time = time;
        HadCleanShutdown = hadCleanShutdown;
    }

    /// <summary>Raised when background maintenance of one partition fails; the loop carries on with the others.</summary>
    public event Action<TopicPartition, BrokerException>? MaintenanceFailed;

    public string DataDirectory { get; }

    public string ClusterId { get; }

    public int NodeId { get; }

    /// <summary>Whether the previous run ended with <see cref="Close"/> (no recovery was needed).</summary>
    public bool HadCleanShutdown { get; }

    public ICollection<PartitionLog> Logs => _logs.Values;

    private OffsetCheckpointFile RecoveryPoints => new(Path.Combine(DataDirectory, LogFileNames.RecoveryPointCheckpoint));

    private OffsetCheckpointFile HighWatermarks => new(Path.Combine(DataDirectory, LogFileNames.ReplicationOffsetCheckpoint));

    private OffsetCheckpointFile LogStartOffsets => new(Path.Combine(DataDirectory, LogFileNames.LogStartOffsetCheckpoint));

    private OffsetCheckpointFile CleanerCheckpoints => new(Path.Combine(DataDirectory, LogFileNames.CleanerOffsetCheckpoint));

    /// <summary>The log cleaner's last pass (which partition, what it did); null before one ran.</summary>
    public (TopicPartition TopicPartition, CompactionResult Result)? LastCompaction => _cleaner.LastPass;

    private string CleanShutdownMarker => Path.Combine(DataDirectory, LogFileNames.CleanShutdownMarker);

    /// <summary>Opens <paramref name="dataDirectory"/> for node <paramref name="nodeId"/>, creating and formatting it if
    /// needed (with <paramref name="clusterId"/>, or a new random one). A directory formatted for another node or
    /// cluster is refused with InvalidConfig. <paramref name="cleanerConfig"/> sets up log compaction (default:
    /// <see cref="CleanerConfig.Default"/>).</summary>
    public static LogManager Open(string dataDirectory, int nodeId, LogConfig defaultConfig, TimeProvider timeProvider, string? clusterId = null, CleanerConfig? cleanerConfig = null)
    {
        ArgumentNullException.ThrowIfNull(defaultConfig);
        ArgumentNullException.ThrowIfNull(timeProvider);
        defaultConfig.Validate();
        cleanerConfig = (cleanerConfig ?? CleanerConfig.Default).Validate();
        try
        {
            Directory.CreateDirectory(dataDirectory);
            var meta = MetaProperties.Read(dataDirectory);
            if (meta is null)
            {
                meta = new MetaProperties(clusterId ?? MetaProperties.NewClusterId(), nodeId);
                meta.Write(dataDirectory);
            }
            else if (meta.NodeId != nodeId || (clusterId is not null && clusterId != meta.ClusterId))
            {
                throw new BrokerException(ErrorCode.InvalidConfig,
                    $"{dataDirectory} belongs to node {meta.NodeId} of cluster {meta.ClusterId}, not node {nodeId} of cluster {clusterId ?? meta.ClusterId}.");
            }

            var marker = Path.Combine(dataDirectory, LogFileNames.CleanShutdownMarker);
            var hadCleanShutdown = File.Exists(marker);
            var manager = new LogManager(dataDirectory, meta, defaultConfig, timeProvider, hadCleanShutdown, cleanerConfig);
            if (hadCleanShutdown)
            {
                File.Delete(marker);
                DurableFiles.SyncDirectory(dataDirectory);
            }

            manager.LoadLogs();
            return manager;
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"opening data directory {dataDirectory}");
        }
    }

    public PartitionLog? GetLog(TopicPartition topicPartition) => _logs.GetValueOrDefault(topicPartition);

    /// <summary>The log of <paramref name="topicPartition"/>, created empty if absent; an existing log takes
    /// <paramref name="config"/>.</summary>
    public PartitionLog GetOrCreateLog(TopicPartition topicPartition, LogConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        TopicPartition.ValidateTopicName(topicPartition.Topic);
        ArgumentOutOfRangeException.ThrowIfNegative(topicPartition.Partition);
        lock (_lifecycleLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_logs.TryGetValue(topicPartition, out var existing))
            {
                if (existing.Config != config)
                {
                    existing.UpdateConfig(config);
                }

                return existing;
            }

            var directory = LogFileNames.PartitionDirectory(DataDirectory, topicPartition);
            var log = PartitionLog.Open(directory, topicPartition, config, _time, hadCleanShutdown: true);
            DurableFiles.SyncDirectory(DataDirectory);
            _logs[topicPartition] = log;
            return log;
        }
    }

    /// <summary>Closes the log without flushing it and removes its directory (renamed to *-delete first, so a crash
    /// midway leaves a directory that the next open removes rather than loads). False when there was no such log.</summary>
    public bool DeleteLog(TopicPartition topicPartition)
    {
        lock (_lifecycleLock)
        {
            if (!_logs.TryRemove(topicPartition, out var log))
            {
                return false;
            }

            log.CloseForDeletion();
            try
            {
                var doomed = $"{log.Directory}.{Guid.NewGuid():N}{LogFileNames.DeletedDirectorySuffix}";
                Directory.Move(log.Directory, doomed);
                DurableFiles.SyncDirectory(DataDirectory);
                Directory.Delete(doomed, recursive: true);
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                throw StorageErrors.Wrap(e, $"deleting the log of {topicPartition}");
            }

            return true;
        }
    }

    /// <summary>Starts the maintenance loop: one <see cref="RunMaintenance"/> per <paramref name="tick"/>.</summary>
    public void StartBackgroundTasks(TimeSpan tick)
    {
        lock (_lifecycleLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_background is not null)
            {
                return;
            }

            _background = new CancellationTokenSource();
            var token = _background.Token;
            _backgroundTask = Task.Run(() => RunBackgroundAsync(tick, token), CancellationToken.None);
        }
    }

    /// <summary>One maintenance tick: retention, producer expiration, due flushes, expired file deletion, one
    /// compaction, checkpoints.</summary>
    public void RunMaintenance()
    {
        RunRetentionAndFlushes();
        RunCleaner();
        WriteCheckpoints();
    }

    private void RunRetentionAndFlushes()
    {
        // Each step on its own: a retention that keeps failing (a segment that cannot be renamed) must not hold back
        // the log's due flush, which is what moves its recovery point.
        foreach (var log in _logs.Values)
        {
            RunStep(log, static log => log.DeleteOldSegments());
            RunStep(log, static log => log.RemoveExpiredProducers());
            RunStep(log, static log => log.FlushIfDue());
        }
    }

    private void RunStep(PartitionLog log, Action<PartitionLog> step)
    {
        try
        {
            step(log);
        }
        catch (BrokerException e)
        {
            MaintenanceFailed?.Invoke(log.TopicPartition, e);
        }
        catch (ObjectDisposedException)
        {
            // Deleted or closed while the tick ran.
        }
    }

    /// <summary>Compacts at most one log per tick, after every log's retention and flush, so a long compaction never
    /// delays those.</summary>
    private void RunCleaner()
    {
        PartitionLog? log = null;
        try
        {
            log = _cleaner.ChooseDirtiest(_logs.Values);
            if (log is not null)
            {
                _cleaner.Clean(log);
            }
        }
        catch (BrokerException e)
        {
            MaintenanceFailed?.Invoke(log?.TopicPartition ?? default, e);
        }
        catch (ObjectDisposedException)
        {
            // A log was deleted or closed while the cleaner looked at it.
        }
    }

    /// <summary>Rewrites the offset checkpoint files from the open logs. A cleaner checkpoint is kept for every log
    /// that has one (not only those known compacted: logs open with the default config until their topic's config
    /// arrives).</summary>
    public void WriteCheckpoints()
    {
        lock (_checkpointLock)
        {
            var logs = _logs.Values.ToList();
            // An offline log's offsets may not match its files: it is recovered from its first segment.
            RecoveryPoints.Write(logs.Select(l => KeyValuePair.Create(l.TopicPartition, l.OfflineReason is null ? l.FlushedOffset : 0)));
            HighWatermarks.Write(logs.Select(l => KeyValuePair.Create(l.TopicPartition, l.HighWatermark)));
            LogStartOffsets.Write(logs.Select(l => KeyValuePair.Create(l.TopicPartition, l.LogStartOffset)));
            CleanerCheckpoints.Write(logs.Where(l => l.CleanerCheckpoint > l.LogStartOffset).Select(l => KeyValuePair.Create(l.TopicPartition, l.CleanerCheckpoint)));
        }
    }

    /// <summary>Clean shutdown: stops the loop, flushes and closes every log, writes the checkpoints and then the
    /// clean-shutdown marker, in that order, so the marker implies everything before it is durable. With a log
    /// offline (<see cref="PartitionLog.OfflineReason"/>) there is no marker: the next start runs recovery.</summary>
    public void Close()
    {
        lock (_lifecycleLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _background?.Cancel();
        try
        {
            _backgroundTask?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        _background?.Dispose();
        Parallel.ForEach(_logs.Values, log => log.Close());
        WriteCheckpoints();
        if (_logs.Values.All(log => log.OfflineReason is null))
        {
            DurableFiles.WriteAtomically(CleanShutdownMarker, string.Empty);
        }
    }

    public void Dispose() => Close();

    /// <summary>Stops as a process crash would: no flush, no checkpoints, no marker. For tests.</summary>
    internal void Abandon()
    {
        lock (_lifecycleLock)
        {
            _closed = true;
        }

        _background?.Cancel();
        foreach (var log in _logs.Values)
        {
            log.Abandon();
        }
    }

    private async Task RunBackgroundAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(tick, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                RunMaintenance();
            }
            catch (BrokerException e)
            {
                MaintenanceFailed?.Invoke(default, e);
            }
        }
    }

    private void LoadLogs()
    {
        var recoveryPoints = ReadCheckpointOrEmpty(RecoveryPoints);
        var highWatermarks = ReadCheckpointOrEmpty(HighWatermarks);
        var logStarts = ReadCheckpointOrEmpty(LogStartOffsets);
        var cleaned = ReadCheckpointOrEmpty(CleanerCheckpoints);
        var directories = new List<(string Path, TopicPartition TopicPartition)>();
        foreach (var path in Directory.EnumerateDirectories(DataDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogFileNames.DeletedDirectorySuffix, StringComparison.Ordinal))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (LogFileNames.TryParsePartitionDirectory(name, out var topicPartition))
            {
                directories.Add((path, topicPartition));
            }
        }

        Parallel.ForEach(directories, entry =>
        {
            var log = PartitionLog.Open(
                entry.Path, entry.TopicPartition, _defaultConfig, _time, HadCleanShutdown,
                recoveryPoints.GetValueOrDefault(entry.TopicPartition),
                logStarts.GetValueOrDefault(entry.TopicPartition),
                highWatermarks.GetValueOrDefault(entry.TopicPartition),
                cleaned.GetValueOrDefault(entry.TopicPartition));
            _logs[entry.TopicPartition] = log;
        });
    }

    /// <summary>A damaged checkpoint is replaced by nothing: recovery points of 0 mean a full (slow, safe) recovery,
    /// and high watermarks of 0 are raised to the log start by each log.</summary>
    private static Dictionary<TopicPartition, long> ReadCheckpointOrEmpty(OffsetCheckpointFile file)
    {
        try
        {
            return file.Read();
        }
        catch (BrokerException)
        {
            return [];
        }
    }
}
