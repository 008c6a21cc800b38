using System.Buffers;
using System.Diagnostics;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Core.Threading;

namespace Broker.Storage;

/// <summary>Appends: a leader's (producer batches, offsets assigned here), a follower's (a leader's batches as they
/// are), and the segment rolls they cause.</summary>
public sealed partial class PartitionLog
{
    /// <summary>How long an append waits for the writer lock on the caller's thread before moving to the thread pool
    /// (the shortest wait the lock offers).</summary>
    private const int LockWaitOnCallerMs = 1;

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
        var (recordCount, producer) = ValidateForLeader(records.Span, config);
        lock (_writeLock)
        {
            return AppendAsLeaderLocked(records.Span, leaderEpoch, config, recordCount, producer);
        }
    }

    /// <summary>Appends like <see cref="AppendAsLeader"/> and honours the flush policy: under
    /// <see cref="FlushPolicy.Always"/> completes after the shared fsync (group commit); under
    /// <see cref="FlushPolicy.Replication"/> completes synchronously without allocating.
    /// <para>Waits for the writer lock on the caller's thread for at most <see cref="LockWaitOnCallerMs"/>: long enough
    /// for another appender's copy, not for a slow holder (a roll, retention deleting files, compaction's swap with its
    /// directory fsyncs). Then the append continues on the thread pool, on its own copy of the records, so the caller
    /// may reuse <paramref name="records"/> as soon as this returns, completed or not. The broker calls this on the
    /// socket I/O thread that serves every connection.</para></summary>
    public ValueTask<AppendResult> AppendAsLeaderAsync(Memory<byte> records, int leaderEpoch, CancellationToken cancellationToken = default)
    {
        var config = Config;
        var (recordCount, producer) = ValidateForLeader(records.Span, config);
        if (!_writeLock.TryEnter() && !_writeLock.TryEnter(LockWaitOnCallerMs))
        {
            return AppendCopyOnThreadPoolAsync(records.Span, leaderEpoch, config, recordCount, producer, cancellationToken);
        }

        AppendResult result;
        try
        {
            result = AppendAsLeaderLocked(records.Span, leaderEpoch, config, recordCount, producer);
        }
        finally
        {
            _writeLock.Exit();
        }

        return config.Flush == FlushPolicy.Always ? AwaitFlushed(result, cancellationToken) : new ValueTask<AppendResult>(result);
    }

    /// <summary>Records that <paramref name="leaderEpoch"/> starts at the LEO, as this replica becomes its leader
    /// (Kafka's maybeAssignEpochStartOffset); nothing when the epoch is not newer than the latest. The leader epoch
    /// checkpoint is rewritten durably (two fsyncs), which is for the metadata path: the appends of the epoch then
    /// write nothing of it on the produce path.</summary>
    public void AssignLeaderEpoch(int leaderEpoch)
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            if (leaderEpoch > LeaderEpochs.LatestEpoch)
            {
                LeaderEpochs.Assign(leaderEpoch, _logEndOffset);
            }
        }
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

            var producers = ProducersLocked();
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
                producers.ApplyFromLog(header);
                if (header.PartitionLeaderEpoch > LeaderEpochs.LatestEpoch)
                {
                    LeaderEpochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
                }

                position += header.TotalBytes;
            }

            return new AppendResult(first, last, TimeIndex.NoTimestamp, recordCount);
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
        DropCacheBehindWindowLocked();
    }

    /// <summary>
    /// Drops from the page cache what lies more than <see cref="LogConfig.PageCacheWindowBytes"/> behind the log's end
    /// (see there), across segments: walking back from the active segment, the window's bytes are kept, the segment
    /// where it begins is dropped below that point (in steps), and every older one whole. Stops at the first segment
    /// dropped through, since the ones before it were dropped before it; so an append looks at one or two segments.
    /// </summary>
    private void DropCacheBehindWindowLocked()
    {
        long keep = _config.PageCacheWindowBytes;
        if (keep <= 0)
        {
            return;
        }

        var segments = _segments;
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            var segment = segments[i];
            var size = segment.Size;
            if (size == 0)
            {
                continue; // a segment just rolled to
            }

            if (segment.CachedFrom >= size)
            {
                return;
            }

            if (keep >= size)
            {
                keep -= size;
                continue;
            }

            segment.DropCacheBelow(size - (int)keep);
            keep = 0;
        }
    }

    private LogSegment RollLocked(long baseOffset, long nowMs)
    {
        var segment = LogSegment.Create(Directory, baseOffset, _config, nowMs);
        _segments.Active.OnBecomeInactive();
        Volatile.Write(ref _segments, _segments.Append(segment));
        _directoryDirty = true;
        TakeProducerSnapshotLocked(baseOffset, durable: false);
        DeleteUnreachableProducerSnapshotsLocked();
        return segment;
    }

    /// <summary>What an append as leader checks before it takes the writer lock.</summary>
    private (int RecordCount, ProducerBatchSpan Producer) ValidateForLeader(ReadOnlySpan<byte> batches, LogConfig config)
    {
        var recordCount = ValidateProducerBatches(batches, config.MaxMessageBytes, out var producer);
        if (config.Compacts)
        {
            CompactedRecords.RequireKeys(batches, TopicPartition);
        }

        return (recordCount, producer);
    }

    private AppendResult AppendAsLeaderLocked(Span<byte> batches, int leaderEpoch, LogConfig config, int recordCount, ProducerBatchSpan producer)
    {
        ThrowIfClosed();
        // Every append, idempotent or not, waits for a stale state's rebuild: the log end must not move past a
        // truncation whose state is not rebuilt (its snapshots beyond the new end may not be deleted yet).
        var producers = ProducersLocked();
        var nowMs = NowMs();
        if (producer.IsIdempotent && producers.CheckSequence(producer, out var originalOffset, out var originalTimestamp))
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
            producers.Record(producer, baseOffset, next - 1, maxTimestamp);
        }

        if (leaderEpoch > LeaderEpochs.LatestEpoch)
        {
            LeaderEpochs.Assign(leaderEpoch, baseOffset);
        }

        return new AppendResult(baseOffset, next - 1, logAppendTime, recordCount);
    }

    /// <summary>The append of <see cref="AppendAsLeaderAsync"/> when the writer lock was taken: waiting for it is left
    /// to a thread-pool thread. Allocates (the state machine), which the uncontended path does not.</summary>
    private ValueTask<AppendResult> AppendCopyOnThreadPoolAsync(
        ReadOnlySpan<byte> records, int leaderEpoch, LogConfig config, int recordCount, ProducerBatchSpan producer, CancellationToken cancellationToken)
    {
        // The caller's memory is the request's, which goes back to the connection's pool once the caller stops
        // waiting (a closed connection, say): the append that carries on must not read it.
        var copy = ArrayPool<byte>.Shared.Rent(records.Length);
        records.CopyTo(copy);
        return AppendOnThreadPoolAsync(copy, records.Length, leaderEpoch, config, recordCount, producer, cancellationToken);
    }

    private async ValueTask<AppendResult> AppendOnThreadPoolAsync(
        byte[] copy, int length, int leaderEpoch, LogConfig config, int recordCount, ProducerBatchSpan producer, CancellationToken cancellationToken)
    {
        AppendResult result;
        try
        {
            await new ThreadPoolHop();
            lock (_writeLock)
            {
                result = AppendAsLeaderLocked(copy.AsSpan(0, length), leaderEpoch, config, recordCount, producer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }

        if (config.Flush == FlushPolicy.Always)
        {
            await _groupCommit.WaitAsync(result.NextOffset, cancellationToken);
        }

        return result;
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
}
