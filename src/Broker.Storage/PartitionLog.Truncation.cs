using System.Runtime.ExceptionServices;
using Broker.Core.Errors;

namespace Broker.Storage;

/// <summary>Truncation, retention, deletion of segment files and close: the operations that remove data.</summary>
public sealed partial class PartitionLog
{
    /// <summary>Removes every batch holding an offset at or after <paramref name="offset"/> (a follower dropping its
    /// divergent suffix). Later segments are deleted, the containing one is cut at a batch boundary; the LEO becomes
    /// that boundary. Below the log start offset the whole log is replaced (<see cref="TruncateFullyAndStartAt"/>).</summary>
    public void TruncateTo(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_writeLock)
        {
            ThrowIfClosed();
            if (offset >= _logEndOffset)
            {
                return;
            }

            if (offset < _logStartOffset)
            {
                TruncateFullyLocked(offset);
                return;
            }

            try
            {
                TruncateLocked(offset);
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                throw GoOffline(e, $"truncating {TopicPartition} to {offset}");
            }
        }
    }

    /// <summary>Deletes every segment and starts an empty log at <paramref name="offset"/> (a follower far behind a
    /// leader whose log now starts later).</summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_writeLock)
        {
            ThrowIfClosed();
            TruncateFullyLocked(offset);
        }
    }

    /// <summary>Applies time and size retention and the log start offset: deletes whole segments, oldest first,
    /// never the active one, and advances <see cref="LogStartOffset"/>. Returns how many segments went.</summary>
    public int DeleteOldSegments()
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            try
            {
                var nowMs = NowMs();
                var count = RetentionPolicy.CountDeletable(_segments, _config, _logStartOffset, nowMs);
                if (count > 0)
                {
                    RemoveOldestLocked(count, nowMs);
                }

                DeleteDueFilesLocked(nowMs);
                return count;
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                throw StorageErrors.Wrap(e, $"applying retention to {TopicPartition}");
            }
        }
    }

    /// <summary>Advances the log start offset to <paramref name="offset"/> (Kafka's DeleteRecords): offsets below it
    /// are no longer readable, and segments wholly below it are deleted. Offsets above the high watermark are
    /// refused with OffsetOutOfRange.</summary>
    public long DeleteRecordsBefore(long offset)
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            var advanced = false;
            lock (_offsetsLock)
            {
                if (offset > _highWatermark)
                {
                    throw new BrokerException(ErrorCode.OffsetOutOfRange, $"{TopicPartition}: cannot delete records before {offset}, above the high watermark {_highWatermark}.");
                }

                if (offset > _logStartOffset)
                {
                    Volatile.Write(ref _logStartOffset, offset);
                    advanced = true;
                }
            }

            if (advanced)
            {
                LeaderEpochs.TruncateFromStart(offset);
            }
        }

        DeleteOldSegments();
        return LogStartOffset;
    }

    /// <summary>Deletes the files of removed segments whose delay has passed; returns how many segments.</summary>
    public int DeleteExpiredSegmentFiles()
    {
        lock (_writeLock)
        {
            return DeleteDueFilesLocked(NowMs());
        }
    }

    /// <summary>Flushes, records each segment's final time index entry, trims indices and closes every file. An
    /// offline log (<see cref="OfflineReason"/>) only closes its files, leaving them as the failure left them for the
    /// next start to recover in full (LogManager gives it no recovery point).</summary>
    public void Close()
    {
        lock (_writeLock)
        {
            if (_closed)
            {
                return;
            }
        }

        if (_offlineReason is null)
        {
            try
            {
                Flush();
            }
            catch (BrokerException) when (_offlineReason is not null)
            {
                // A truncation failed meanwhile: closed as offline below.
            }
        }

        lock (_writeLock)
        {
            if (_closed)
            {
                return;
            }

            if (_offlineReason is not null)
            {
                AbandonLocked();
                return;
            }

            _closed = true;
            TakeProducerSnapshotLocked(_logEndOffset, durable: true);
            DeleteDueFilesLocked(long.MaxValue);
            _segments.Active.OnBecomeInactive();
            foreach (var segment in _segments.AsSpan())
            {
                segment.Dispose();
            }
        }
    }

    public void Dispose() => Close();

    /// <summary>Closes the files of a log about to be deleted: nothing is flushed, trimmed or snapshotted, as all of
    /// it goes (a flush there could take seconds of fsync for a large unflushed log, for nothing). A flush already
    /// running finishes first; later ones, and appends waiting for one, fail with ObjectDisposedException.</summary>
    public void CloseForDeletion()
    {
        lock (_flushLock)
        {
            lock (_writeLock)
            {
                if (!_closed)
                {
                    AbandonLocked();
                }
            }
        }
    }

    /// <summary>Drops the log as a process crash would: nothing flushed, trimmed or closed cleanly. For tests.</summary>
    internal void Abandon()
    {
        lock (_writeLock)
        {
            AbandonLocked();
        }
    }

    private void AbandonLocked()
    {
        _closed = true;
        foreach (var segment in _segments.AsSpan())
        {
            segment.Abandon();
        }

        foreach (var (segment, _) in _pendingDeletions)
        {
            segment.Abandon();
        }
    }

    private void TruncateLocked(long offset)
    {
        var segments = _segments;
        var index = segments.FloorIndex(offset);
        var containing = segments[index];
        var (position, batch) = containing.FindBatch(offset, containing.Size);

        // The batch holding the offset goes whole; an offset in a gap (compaction) becomes the end itself.
        var newEnd = Math.Min(offset, position < 0 ? containing.NextOffset : batch.BaseOffset);
        if (newEnd < _logStartOffset)
        {
            // The batch holding the log start goes: nothing readable is left, so start over at the offset asked.
            TruncateFullyLocked(offset);
            return;
        }

        // From here the table may describe removed batches until the rebuild below succeeds.
        _producerStateStale = true;

        // Readers first see the lower LEO, then the shorter list, then the cut segment (with a new generation).
        lock (_offsetsLock)
        {
            Volatile.Write(ref _logEndOffset, newEnd);
            Volatile.Write(ref _highWatermark, Math.Min(_highWatermark, newEnd));
        }

        Volatile.Write(ref _flushedOffset, Math.Min(_flushedOffset, newEnd));
        _truncations++;
        var nowMs = NowMs();
        if (index < segments.Count - 1)
        {
            Volatile.Write(ref _segments, segments.Take(index + 1));
            for (var i = index + 1; i < segments.Count; i++)
            {
                ScheduleDeletionLocked(segments[i], nowMs);
            }

            containing.MakeActive(nowMs);
        }

        containing.TruncateTo(newEnd);
        LeaderEpochs.TruncateFromEnd(newEnd);
        LowerCleanerCheckpointLocked(newEnd);
        RebuildProducerStateLocked(newEnd);
    }

    private void TruncateFullyLocked(long offset)
    {
        try
        {
            var old = _segments;
            var nowMs = NowMs();
            lock (_offsetsLock)
            {
                Volatile.Write(ref _logEndOffset, offset);
                Volatile.Write(ref _logStartOffset, offset);
                Volatile.Write(ref _highWatermark, offset);
            }

            Volatile.Write(ref _flushedOffset, offset);
            Volatile.Write(ref _cleanerCheckpoint, offset);
            _truncations++;
            foreach (var segment in old.AsSpan())
            {
                // Renamed before the new segment is created: its name may equal an old one's.
                ScheduleDeletionLocked(segment, nowMs);
            }

            Volatile.Write(ref _segments, new LogSegments([LogSegment.Create(Directory, offset, _config, nowMs)]));
            _directoryDirty = true;
            LeaderEpochs.Clear();
            ClearProducerStateLocked();
            DeleteDueFilesLocked(nowMs);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw GoOffline(e, $"truncating {TopicPartition} fully to {offset}");
        }
    }

    private void RemoveOldestLocked(int count, long nowMs)
    {
        var segments = _segments;
        var remaining = segments.DropFirst(count);
        Volatile.Write(ref _segments, remaining);
        var newStart = Math.Max(_logStartOffset, remaining.First.BaseOffset);
        lock (_offsetsLock)
        {
            Volatile.Write(ref _logStartOffset, newStart);
            Volatile.Write(ref _highWatermark, Math.Max(_highWatermark, newStart));
        }

        LeaderEpochs.TruncateFromStart(newStart);

        // Every segment that left the list is scheduled for deletion, even when one of them cannot be renamed (EIO, a
        // directory in the way): left out of both lists, its files and handles would stay until a restart. One that
        // keeps its name is deleted under it when due (a restart before then loads it again, and retention removes it
        // again).
        Exception? failed = null;
        for (var i = 0; i < count; i++)
        {
            try
            {
                ScheduleDeletionLocked(segments[i], nowMs);
            }
            catch (Exception e) when (StorageErrors.IsIoFailure(e))
            {
                _directoryDirty = true; // the log file may have been renamed before an index rename failed
                _pendingDeletions.Add((segments[i], nowMs + _config.FileDeleteDelayMs));
                failed ??= e;
            }
        }

        ProducerSnapshots.DeleteBelow(Directory, newStart);
        if (failed is not null)
        {
            ExceptionDispatchInfo.Throw(failed);
        }
    }

    private void ScheduleDeletionLocked(LogSegment segment, long nowMs)
    {
        segment.RenameForDeletion();
        _directoryDirty = true;
        _pendingDeletions.Add((segment, nowMs + _config.FileDeleteDelayMs));
    }

    private int DeleteDueFilesLocked(long nowMs)
    {
        var deleted = 0;
        for (var i = _pendingDeletions.Count - 1; i >= 0; i--)
        {
            if (_pendingDeletions[i].DueMs <= nowMs)
            {
                _pendingDeletions[i].Segment.DeleteFiles();
                _pendingDeletions.RemoveAt(i);
                deleted++;
            }
        }

        return deleted;
    }
}
