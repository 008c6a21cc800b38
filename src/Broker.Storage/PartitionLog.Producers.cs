using System.Diagnostics;

namespace Broker.Storage;

/// <summary>
/// The idempotent producers' state of the partition (<see cref="ProducerStateTable"/>) across the log's life: loaded
/// at open (<see cref="ProducerStateLoader"/>), snapshotted at each roll and at close
/// (<see cref="ProducerSnapshotFile"/>; each roll also deletes the snapshots no rebuild needs any more), rebuilt after
/// a truncation, cleared by a full truncation, and expired by the maintenance pass. Everything here runs under the
/// writer lock.
/// <para>A truncation whose rebuild fails (an I/O error re-reading the segments) cannot be undone, since the data is
/// already cut, and it must not leave the old table in use: that table remembers appends the log no longer has, so the
/// retry of a truncated batch would be answered as a duplicate at an offset that holds nothing (the record lost) and
/// later batches checked against sequences and epochs the log does not hold. Nor may it leave an empty one: a retry
/// of records still in the log would be written twice. So the table is marked stale and nothing reads or snapshots it
/// until a rebuild succeeds: appends rebuild it first and fail with StorageError, which a producer retries, while they
/// cannot. That is what a Kafka user sees when a broker's disk fails (Kafka takes the whole log directory offline):
/// retriable errors, never a record lost to a false duplicate or written twice.</para>
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>Idempotent producers this partition remembers. Throws StorageError when a truncation left the state
    /// stale and it still cannot be rebuilt.</summary>
    public int ProducerCount
    {
        get
        {
            lock (_writeLock)
            {
                return ProducersLocked().Count;
            }
        }
    }

    /// <summary>The table itself, for tests; callers outside the lock must not touch it while appends run.</summary>
    internal ProducerStateTable ProducerStates
    {
        get
        {
            lock (_writeLock)
            {
                return ProducersLocked();
            }
        }
    }

    /// <summary>Drops producers idle for <see cref="LogConfig.ProducerIdExpirationMs"/> (run by the maintenance pass;
    /// see <see cref="ProducerStateTable.RemoveExpired"/>). Returns how many went.</summary>
    public int RemoveExpiredProducers()
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            // A stale state that still cannot be rebuilt has nothing to expire: the rebuild that succeeds expires too.
            var producers = ProducersOrNullLocked();
            return producers?.RemoveExpired(NowMs(), _logStartOffset, _config.ProducerIdExpirationMs, _config.Compacts) ?? 0;
        }
    }

    /// <summary>The table, first rebuilt for the log end if a truncation left it stale (see the type's
    /// remarks).</summary>
    /// <exception cref="Core.Errors.BrokerException">StorageError: the rebuild failed again; the state stays
    /// stale.</exception>
    private ProducerStateTable ProducersLocked()
    {
        if (_producerStateStale)
        {
            RebuildProducerStateLocked(_logEndOffset);
        }

        return _producers;
    }

    /// <summary><see cref="ProducersLocked"/> for the maintenance paths, which leave a failing rebuild to later
    /// appends and ticks: null when it fails.</summary>
    private ProducerStateTable? ProducersOrNullLocked()
    {
        try
        {
            return ProducersLocked();
        }
        catch (Core.Errors.BrokerException)
        {
            return null;
        }
    }

    /// <summary>Writes the snapshot for the log ending at <paramref name="offset"/> (the state must describe exactly
    /// the batches below it). A snapshot only saves start-up work, so a failure to write one is not an append's
    /// failure: the next roll or close writes another, and a start without one scans the log instead.</summary>
    private void TakeProducerSnapshotLocked(long offset, bool durable)
    {
        if (_producerStateStale)
        {
            // It would make the next start believe the stale table; without it the start rebuilds from the log.
            return;
        }

        try
        {
            ProducerSnapshotFile.Write(LogFileNames.ProducerSnapshotPath(Directory, offset), _producers, durable);
        }
        catch (Core.Errors.BrokerException)
        {
            // Disk full or an I/O error: recovery does without this snapshot.
        }
    }

    /// <summary>
    /// After a roll: deletes the snapshots no rebuild will start from, keeping every one above the lower of two offsets
    /// and the newest at or below it. The recovery point (<see cref="FlushedOffset"/>): a crash loses nothing below
    /// it, so recovery rebuilds for a log end at or above it. The base offset of the segment before the active one: a
    /// follower's truncation almost always cuts into the last two segments (Kafka keeps their snapshots for the same
    /// reason); a deeper one scans from an older snapshot or the first segment instead, which is slower but as correct.
    /// Without this a log whose start never moves, a compacted one above all, kept one snapshot per roll forever:
    /// retention deletes only those below the log start. With it there are two plus one per roll since the last flush.
    /// A snapshot that cannot be deleted now is deleted by a later roll.
    /// </summary>
    private void DeleteUnreachableProducerSnapshotsLocked()
    {
        var segments = _segments;
        var lowestLogEnd = Math.Min(_flushedOffset, segments[segments.Count - 2].BaseOffset);
        try
        {
            ProducerSnapshots.DeleteUnreachable(Directory, lowestLogEnd);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            // Left for the next roll: see above.
        }
    }

    /// <summary>After a truncation to <paramref name="logEndOffset"/>: snapshots beyond it are deleted and the state is
    /// rebuilt from the newest snapshot below it and the batches that remain after that snapshot. On failure the state
    /// stays stale (the caller marked it so before it cut the log).</summary>
    /// <exception cref="Core.Errors.BrokerException">StorageError: an I/O error while reading snapshots or
    /// segments.</exception>
    private void RebuildProducerStateLocked(long logEndOffset)
    {
        Debug.Assert(_producerStateStale, "a rebuild replaces a table the caller marked stale");
        try
        {
            _producers = ProducerStateLoader.Load(Directory, _segments, _logStartOffset, logEndOffset, NowMs(), _config);
        }
        catch (Exception e) when (StorageErrors.IsIoFailure(e))
        {
            throw StorageErrors.Wrap(e, $"rebuilding the producer state of {TopicPartition} for the log end {logEndOffset} after a truncation (its appends fail until this succeeds)");
        }

        _producerStateStale = false;
    }

    /// <summary>After a full truncation nothing of any producer is left, whatever an earlier failed rebuild
    /// left.</summary>
    private void ClearProducerStateLocked()
    {
        _producers = new ProducerStateTable();
        _producerStateStale = false;
        ProducerSnapshots.DeleteAll(Directory);
    }
}
