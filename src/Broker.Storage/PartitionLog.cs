using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>
/// The log of one partition: an ordered list of <see cref="LogSegment"/>s in one directory, the last one active.
/// <para>Offsets: <see cref="LogStartOffset"/> (first readable) &lt;= <see cref="HighWatermark"/> (committed,
/// readable by consumers) &lt;= <see cref="LogEndOffset"/> (LEO: next offset to assign), and
/// <see cref="FlushedOffset"/> &lt;= LEO (the recovery point: below it everything is on disk).</para>
/// <para>Threading: one writer at a time. Appends, truncation, rolls, retention, config changes and close are
/// serialised by an internal lock (so callers need no contract, though the design has one appender per partition).
/// Some holders of that lock do slow I/O (compaction's swap fsyncs the directory), so the two calls of the produce
/// path never wait long for it on their caller's thread: <see cref="AppendAsLeaderAsync"/> continues on the thread
/// pool, on a copy of the records, when the lock stays taken for a millisecond, and <see cref="UpdateHighWatermark"/> needs only a lock that is never held across I/O.
/// Reads never take it: they read the published LEO and an immutable snapshot of the segment list, so a read runs
/// concurrently with appends, rolls, retention and truncation and returns bytes that were in the log at some
/// instant during the call; removed segments stay readable for <see cref="LogConfig.FileDeleteDelayMs"/>
/// (renamed to *.deleted, Kafka's way), and a read cut into by a truncation is detected by a generation check.</para>
/// <para>Crash: an append returns once its bytes are in the page cache; <see cref="Flush"/> (the background flusher,
/// or group commit under <see cref="FlushPolicy.Always"/>) makes them durable and advances FlushedOffset. After an
/// unclean shutdown <see cref="LogLoader"/> revalidates everything after the recovery point and cuts the first
/// torn or corrupt batch and all that follows, so no damaged batch ever reaches a reader.</para>
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    private readonly Lock _writeLock = new();

    /// <summary>Guards the log start offset, the high watermark and every lowering of the LEO, so the high watermark
    /// advances (on every produce) without the writer lock, which slow paths hold across I/O. Never held across I/O;
    /// taken inside the writer lock, never the other way round. Appends raise the LEO without it: a reader of a
    /// stale, lower LEO only clamps the high watermark lower.</summary>
    private readonly Lock _offsetsLock = new();
    private readonly Lock _flushLock = new();
    private readonly TimeProvider _time;
    private readonly GroupCommitFlusher _groupCommit;
    private readonly List<(LogSegment Segment, long DueMs)> _pendingDeletions = [];
    private LogSegments _segments;
    private LogConfig _config;
    private ProducerStateTable _producers;

    /// <summary>Set while <see cref="_producers"/> may describe batches a truncation removed: from the moment a
    /// truncation changes the log until its rebuild succeeds (see PartitionLog.Producers.cs).</summary>
    private bool _producerStateStale;

    private long _logEndOffset;
    private long _logStartOffset;
    private long _highWatermark;
    private long _flushedOffset;
    private long _lastFlushMs;
    private int _truncations;
    private bool _directoryDirty;
    private bool _closed;
    private volatile string? _offlineReason;

    private PartitionLog(string directory, TopicPartition topicPartition, LogConfig config, TimeProvider time, LoadedLog loaded, long highWatermark, long cleanerCheckpoint)
    {
        Directory = directory;
        TopicPartition = topicPartition;
        _config = config;
        _time = time;
        _segments = loaded.Segments;
        _logEndOffset = loaded.LogEndOffset;
        _logStartOffset = loaded.LogStartOffset;
        _flushedOffset = loaded.FlushedOffset;
        _highWatermark = Math.Clamp(highWatermark, loaded.LogStartOffset, loaded.LogEndOffset);
        _cleanerCheckpoint = Math.Clamp(cleanerCheckpoint, loaded.LogStartOffset, loaded.LogEndOffset);
        _lastFlushMs = NowMs();
        RecoveredBytesTruncated = loaded.RecoveredBytesTruncated;
        SegmentsRecovered = loaded.SegmentsRecovered;
        LeaderEpochs = LeaderEpochCache.Load(directory);
        LeaderEpochs.TruncateFromEnd(_logEndOffset);
        LeaderEpochs.TruncateFromStart(_logStartOffset);
        _producers = ProducerStateLoader.Load(directory, _segments, _logStartOffset, _logEndOffset, NowMs(), config);
        _groupCommit = new GroupCommitFlusher(() => FlushedOffset, Flush);
    }

    public TopicPartition TopicPartition { get; }

    public string Directory { get; }

    public LogConfig Config => Volatile.Read(ref _config);

    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>LEO: the offset the next appended record gets. Everything below it is readable.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>HW: the end of the committed prefix, set by replication (or by the caller on a single node).</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>The recovery point: every offset below it has been fsynced.</summary>
    public long FlushedOffset => Volatile.Read(ref _flushedOffset);

    public LeaderEpochCache LeaderEpochs { get; }

    public int SegmentCount => Volatile.Read(ref _segments).Count;

    public long SizeInBytes => Volatile.Read(ref _segments).TotalBytes();

    /// <summary>Bytes cut off by recovery when this log was opened (0 after a clean shutdown).</summary>
    public long RecoveredBytesTruncated { get; }

    /// <summary>Segments revalidated when this log was opened.</summary>
    public int SegmentsRecovered { get; }

    /// <summary>Base offsets of the segments, oldest first (for tools and tests).</summary>
    public IReadOnlyList<long> SegmentBaseOffsets
    {
        get
        {
            var segments = Volatile.Read(ref _segments);
            var offsets = new long[segments.Count];
            for (var i = 0; i < offsets.Length; i++)
            {
                offsets[i] = segments[i].BaseOffset;
            }

            return offsets;
        }
    }

    internal LogSegments Segments => Volatile.Read(ref _segments);

    /// <summary>The writer lock, for tests that hold it as a slow path does (compaction's swap, retention's deletions).</summary>
    internal Lock WriterLock => _writeLock;

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, recovering it when
    /// <paramref name="hadCleanShutdown"/> is false. The offsets come from the data directory's checkpoints.</summary>
    public static PartitionLog Open(
        string directory, TopicPartition topicPartition, LogConfig config, TimeProvider timeProvider,
        bool hadCleanShutdown, long recoveryPoint = 0, long logStartOffset = 0, long highWatermark = 0, long cleanerCheckpoint = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(timeProvider);
        config.Validate();
        try
        {
            var loaded = LogLoader.Load(directory, config, hadCleanShutdown, recoveryPoint, logStartOffset, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            return new PartitionLog(directory, topicPartition, config, timeProvider, loaded, highWatermark, cleanerCheckpoint);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"opening {directory}");
        }
    }

    /// <summary>Completes once every offset below <paramref name="offsetExclusive"/> is on disk, sharing one fsync
    /// with every concurrent caller (group commit).</summary>
    public ValueTask FlushAsync(long offsetExclusive, CancellationToken cancellationToken = default) =>
        _groupCommit.WaitAsync(offsetExclusive, cancellationToken);

    /// <summary>Null while the log is usable. Otherwise why it went offline: an I/O failure in the middle of a
    /// truncation left its files and its offsets disagreeing, so every later read, append and flush fails with
    /// StorageError rather than serve or extend the wrong bytes, until a restart recovers the log from its files (as
    /// Kafka takes a failed log directory offline). Such a log closes without a flush and is recovered in full.</summary>
    public string? OfflineReason => _offlineReason;

    /// <summary>fsyncs every segment holding offsets at or after <see cref="FlushedOffset"/> up to the LEO seen at the
    /// start, then advances FlushedOffset (unless a truncation intervened).</summary>
    public void Flush()
    {
        ThrowIfOffline();
        lock (_flushLock)
        {
            long target;
            LogSegments segments;
            int truncations;
            bool syncDirectory;
            lock (_writeLock)
            {
                ThrowIfClosed(); // its files may be closed already (CloseForDeletion)
                target = _logEndOffset;
                segments = _segments;
                truncations = _truncations;
                syncDirectory = _directoryDirty;
                _directoryDirty = false;
            }

            try
            {
                for (var i = Math.Max(0, segments.FloorIndex(FlushedOffset)); i < segments.Count; i++)
                {
                    segments[i].Flush();
                }

                if (syncDirectory)
                {
                    DurableFiles.SyncDirectory(Directory);
                }
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                lock (_writeLock)
                {
                    _directoryDirty |= syncDirectory;
                }

                throw StorageErrors.Wrap(e, $"flushing {TopicPartition}");
            }

            lock (_writeLock)
            {
                if (_truncations == truncations && target > _flushedOffset)
                {
                    Volatile.Write(ref _flushedOffset, target);
                }

                _lastFlushMs = NowMs();
            }
        }
    }

    /// <summary>Flushes when the background interval of <see cref="FlushPolicy.Replication"/> has passed and there is
    /// unflushed data; returns whether it did.</summary>
    public bool FlushIfDue()
    {
        if (FlushedOffset >= LogEndOffset || NowMs() - Volatile.Read(ref _lastFlushMs) < Config.FlushIntervalMs)
        {
            return false;
        }

        Flush();
        return true;
    }

    /// <summary>Sets the high watermark, clamped to [LogStartOffset, LEO]; returns the value set. Does not wait for
    /// the writer lock.</summary>
    public long UpdateHighWatermark(long highWatermark)
    {
        lock (_offsetsLock)
        {
            var clamped = Math.Clamp(highWatermark, _logStartOffset, Volatile.Read(ref _logEndOffset));
            Volatile.Write(ref _highWatermark, clamped);
            return clamped;
        }
    }

    /// <summary>Applies a changed topic config to later appends, rolls and retention.</summary>
    public void UpdateConfig(LogConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        lock (_writeLock)
        {
            Volatile.Write(ref _config, config);
            foreach (var segment in _segments.AsSpan())
            {
                segment.Config = config;
            }
        }
    }

    /// <summary>Starts a new segment at the LEO now (no-op when the active segment is empty).</summary>
    public void Roll()
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            if (_segments.Active.Size > 0)
            {
                RollLocked(_logEndOffset, NowMs());
            }
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(PartitionLog), $"The log of {TopicPartition} is closed.");
        }

        ThrowIfOffline();
    }

    private void ThrowIfOffline()
    {
        if (_offlineReason is { } reason)
        {
            throw new BrokerException(ErrorCode.StorageError,
                $"The log of {TopicPartition} is offline after an I/O failure ({reason}). Restart the broker to recover it from its files.");
        }
    }

    /// <summary>Takes the log offline after an I/O failure in the middle of a change to its files (see
    /// <see cref="OfflineReason"/>) and returns the StorageError to throw.</summary>
    private BrokerException GoOffline(Exception failure, string action)
    {
        var error = StorageErrors.Wrap(failure, action);
        _offlineReason ??= error.Message;
        return error;
    }
}
