using System.Diagnostics;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// The log of one partition: an ordered list of <see cref="LogSegment"/>s in one directory, the last one active.
/// <para>Offsets: <see cref="LogStartOffset"/> (first readable) &lt;= <see cref="HighWatermark"/> (committed,
/// readable by consumers) &lt;= <see cref="LogEndOffset"/> (LEO: next offset to assign), and
/// <see cref="FlushedOffset"/> &lt;= LEO (the recovery point: below it everything is on disk).</para>
/// <para>Threading: one writer at a time. Appends, truncation, rolls, retention, config changes and close are
/// serialised by an internal lock (so callers need no contract, though the design has one appender per partition).
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
    private readonly Lock _flushLock = new();
    private readonly TimeProvider _time;
    private readonly GroupCommitFlusher _groupCommit;
    private readonly List<(LogSegment Segment, long DueMs)> _pendingDeletions = [];
    private LogSegments _segments;
    private LogConfig _config;
    private ProducerStateTable _producers;
    private long _logEndOffset;
    private long _logStartOffset;
    private long _highWatermark;
    private long _flushedOffset;
    private long _lastFlushMs;
    private int _truncations;
    private bool _directoryDirty;
    private bool _closed;

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
        _producers = ProducerStateLoader.Load(directory, _segments, _logStartOffset, _logEndOffset, NowMs(), config.ProducerIdExpirationMs);
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

    /// <summary>Appends producer batches: validates all of them first (nothing is appended if one fails), assigns
    /// offsets and <paramref name="leaderEpoch"/> in place, stamps LogAppendTime if configured, writes them to the
    /// page cache and publishes the new LEO. Does not wait for an fsync: see <see cref="AppendAsLeaderAsync"/>.
    /// Allocation-free unless it throws, the leader epoch changes or a producer appears. A compacted log refuses
    /// records without a key (InvalidRecord), as Kafka does: the cleaner could never tell which of them is the latest.
    /// <para>Batches of an idempotent producer (producer id set) are checked against the partition's producer state
    /// in the same locked step as the write (<see cref="ProducerStateTable"/>): a retry of records already written
    /// appends nothing and returns the original offsets (<see cref="AppendResult.IsDuplicate"/>); a gap, an old epoch
    /// or an unknown producer past sequence 0 throws OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or
    /// UNKNOWN_PRODUCER_ID. The batches of one append must be one producer's consecutive records.</para></summary>
    public AppendResult AppendAsLeader(Memory<byte> records, int leaderEpoch)
    {
        var config = Config;
        var batches = records.Span;
        var recordCount = ValidateProducerBatches(batches, config.MaxMessageBytes, out var producer);
        if (config.Compacts)
        {
            CompactedRecords.RequireKeys(batches, TopicPartition);
        }
        lock (_writeLock)
        {
            ThrowIfClosed();
            var nowMs = NowMs();
            if (producer.IsIdempotent && _producers.CheckSequence(producer, out var originalOffset, out var originalTimestamp))
            {
                var appendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? originalTimestamp : TimeIndex.NoTimestamp;
                return new AppendResult(originalOffset, originalOffset + producer.RecordCount - 1, appendTime, recordCount, IsDuplicate: true);
            }

            var baseOffset = _logEndOffset;
            var logAppendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? nowMs : TimeIndex.NoTimestamp;
            var next = baseOffset;
            var maxTimestamp = TimeIndex.NoTimestamp;
            for (var position = 0; position < batches.Length;)
            {
                var batch = batches[position..];
                var header = RecordBatchHeader.Read(batch);
                RecordBatch.SetBaseOffset(batch, next);
                RecordBatch.SetPartitionLeaderEpoch(batch, leaderEpoch);
                if (logAppendTime != TimeIndex.NoTimestamp)
                {
                    RecordBatch.SetLogAppendTime(batch, logAppendTime);
                }

                maxTimestamp = Math.Max(maxTimestamp, logAppendTime != TimeIndex.NoTimestamp ? logAppendTime : header.MaxTimestamp);
                next += header.LastOffsetDelta + 1L;
                position += header.TotalBytes;
            }

            AppendLocked(batches, baseOffset, next - 1, maxTimestamp, nowMs);
            if (producer.IsIdempotent)
            {
                _producers.Record(producer, baseOffset, next - 1, maxTimestamp);
            }

            if (leaderEpoch > LeaderEpochs.LatestEpoch)
            {
                LeaderEpochs.Assign(leaderEpoch, baseOffset);
            }

            return new AppendResult(baseOffset, next - 1, logAppendTime, recordCount);
        }
    }

    /// <summary>Appends like <see cref="AppendAsLeader"/> and honours the flush policy: under
    /// <see cref="FlushPolicy.Always"/> completes after the shared fsync (group commit); under
    /// <see cref="FlushPolicy.Replication"/> completes synchronously without allocating.</summary>
    public ValueTask<AppendResult> AppendAsLeaderAsync(Memory<byte> records, int leaderEpoch, CancellationToken cancellationToken = default)
    {
        var result = AppendAsLeader(records, leaderEpoch);
        return Config.Flush == FlushPolicy.Always ? AwaitFlushed(result, cancellationToken) : new ValueTask<AppendResult>(result);
    }

    /// <summary>Appends a leader's batches as they are, offsets included. The first must start at or after the LEO
    /// and each after the previous one's last offset (OffsetOutOfRange otherwise): a compacted leader's log has gaps
    /// where the cleaner dropped whole batches, and the follower keeps them. Structure and CRC are checked (nothing is
    /// appended if one fails). Records each batch's partition leader epoch in the epoch cache.</summary>
    public AppendResult AppendAsFollower(Memory<byte> records)
    {
        var batches = records.Span;
        var (first, last, recordCount) = ValidateReplicatedBatches(batches);
        lock (_writeLock)
        {
            ThrowIfClosed();
            if (first < _logEndOffset)
            {
                throw new BrokerException(ErrorCode.OffsetOutOfRange, $"{TopicPartition}: replicated batches start at {first}, below the log end {_logEndOffset}.");
            }

            var maxTimestamp = TimeIndex.NoTimestamp;
            for (var position = 0; position < batches.Length;)
            {
                var header = RecordBatchHeader.Read(batches[position..]);
                maxTimestamp = Math.Max(maxTimestamp, header.MaxTimestamp);
                position += header.TotalBytes;
            }

            AppendLocked(batches, first, last, maxTimestamp, NowMs());
            for (var position = 0; position < batches.Length;)
            {
                var header = RecordBatchHeader.Read(batches[position..]);
                _producers.ApplyFromLog(header);
                if (header.PartitionLeaderEpoch > LeaderEpochs.LatestEpoch)
                {
                    LeaderEpochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
                }

                position += header.TotalBytes;
            }

            return new AppendResult(first, last, TimeIndex.NoTimestamp, recordCount);
        }
    }

    /// <summary>Completes once every offset below <paramref name="offsetExclusive"/> is on disk, sharing one fsync
    /// with every concurrent caller (group commit).</summary>
    public ValueTask FlushAsync(long offsetExclusive, CancellationToken cancellationToken = default) =>
        _groupCommit.WaitAsync(offsetExclusive, cancellationToken);

    /// <summary>fsyncs every segment holding offsets at or after <see cref="FlushedOffset"/> up to the LEO seen at the
    /// start, then advances FlushedOffset (unless a truncation intervened).</summary>
    public void Flush()
    {
        lock (_flushLock)
        {
            long target;
            LogSegments segments;
            int truncations;
            bool syncDirectory;
            lock (_writeLock)
            {
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

    /// <summary>Sets the high watermark, clamped to [LogStartOffset, LEO]; returns the value set.</summary>
    public long UpdateHighWatermark(long highWatermark)
    {
        lock (_writeLock)
        {
            var clamped = Math.Clamp(highWatermark, _logStartOffset, _logEndOffset);
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

    private void AppendLocked(ReadOnlySpan<byte> batches, long firstOffset, long lastOffset, long maxTimestamp, long nowMs)
    {
        try
        {
            var active = _segments.Active;
            if (active.ShouldRoll(batches.Length, lastOffset, maxTimestamp, nowMs))
            {
                active = RollLocked(firstOffset, nowMs);
            }

            Debug.Assert(active.NextOffset <= firstOffset, "appends never go below the active segment's end");
            active.Append(batches);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"appending to {TopicPartition}");
        }

        Volatile.Write(ref _logEndOffset, lastOffset + 1);
    }

    private LogSegment RollLocked(long baseOffset, long nowMs)
    {
        var segment = LogSegment.Create(Directory, baseOffset, _config, nowMs);
        _segments.Active.OnBecomeInactive();
        Volatile.Write(ref _segments, _segments.Append(segment));
        _directoryDirty = true;
        TakeProducerSnapshotLocked(baseOffset, durable: false);
        return segment;
    }

    private async ValueTask<AppendResult> AwaitFlushed(AppendResult result, CancellationToken cancellationToken)
    {
        await _groupCommit.WaitAsync(result.NextOffset, cancellationToken);
        return result;
    }

    /// <summary>Validates every producer batch (all before any is appended) and that they are one producer's
    /// consecutive records; returns the number of records.</summary>
    private static int ValidateProducerBatches(ReadOnlySpan<byte> batches, int maxMessageBytes, out ProducerBatchSpan producer)
    {
        if (batches.IsEmpty)
        {
            throw new BrokerException(ErrorCode.InvalidRecord, "An append needs at least one record batch.");
        }

        var records = 0L;
        producer = default;
        for (var position = 0; position < batches.Length;)
        {
            var header = RecordBatchValidator.ValidateOrThrow(batches[position..], maxMessageBytes, fromProducer: true);
            producer = ProducerBatchSpan.Add(producer, header, isFirst: position == 0);
            records += header.RecordCount;
            position += header.TotalBytes;
        }

        return (int)Math.Min(records, int.MaxValue);
    }

    private static (long First, long Last, int Records) ValidateReplicatedBatches(ReadOnlySpan<byte> batches)
    {
        if (batches.IsEmpty)
        {
            throw new BrokerException(ErrorCode.InvalidRecord, "An append needs at least one record batch.");
        }

        long first = -1, next = -1, records = 0;
        for (var position = 0; position < batches.Length;)
        {
            var header = RecordBatchValidator.ValidateOrThrow(batches[position..], int.MaxValue, fromProducer: false);
            if (first < 0)
            {
                first = header.BaseOffset;
            }
            else if (header.BaseOffset < next)
            {
                throw new BrokerException(ErrorCode.OffsetOutOfRange, $"Replicated batch at {header.BaseOffset} overlaps the previous one, which ends at {next}.");
            }

            next = header.NextOffset;
            records += header.RecordCount;
            position += header.TotalBytes;
        }

        return (first, next - 1, (int)Math.Min(records, int.MaxValue));
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(PartitionLog), $"The log of {TopicPartition} is closed.");
        }
    }
}
