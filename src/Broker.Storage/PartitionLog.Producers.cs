namespace Broker.Storage;

/// <summary>
/// The idempotent producers' state of the partition (<see cref="ProducerStateTable"/>) across the log's life: loaded
/// at open (<see cref="ProducerStateLoader"/>), snapshotted at each roll and at close
/// (<see cref="ProducerSnapshotFile"/>; each roll also deletes the snapshots no rebuild needs any more), rebuilt after
/// a truncation, cleared by a full truncation, and expired by the maintenance pass. Everything here runs under the
/// writer lock.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>Idempotent producers this partition remembers.</summary>
    public int ProducerCount
    {
        get
        {
            lock (_writeLock)
            {
                return _producers.Count;
            }
        }
    }

    /// <summary>The table itself, for tests; callers outside the lock must not touch it while appends run.</summary>
    internal ProducerStateTable ProducerStates => _producers;

    /// <summary>Drops producers idle for <see cref="LogConfig.ProducerIdExpirationMs"/> (run by the maintenance pass;
    /// see <see cref="ProducerStateTable.RemoveExpired"/>). Returns how many went.</summary>
    public int RemoveExpiredProducers()
    {
        lock (_writeLock)
        {
            ThrowIfClosed();
            return _producers.RemoveExpired(NowMs(), _logStartOffset, _config.ProducerIdExpirationMs, _config.Compacts);
        }
    }

    /// <summary>Writes the snapshot for the log ending at <paramref name="offset"/> (the state must describe exactly
    /// the batches below it). A snapshot only saves start-up work, so a failure to write one is not an append's
    /// failure: the next roll or close writes another, and a start without one scans the log instead.</summary>
    private void TakeProducerSnapshotLocked(long offset, bool durable)
    {
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
    /// reason); a deeper one scans from an older snapshot or the log start instead, which is slower but as correct.
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
    /// rebuilt from the newest snapshot below it and the batches that remain after that snapshot.</summary>
    private void RebuildProducerStateLocked(long logEndOffset) =>
        _producers = ProducerStateLoader.Load(Directory, _segments, _logStartOffset, logEndOffset, NowMs(), _config);

    /// <summary>After a full truncation nothing of any producer is left.</summary>
    private void ClearProducerStateLocked()
    {
        _producers = new ProducerStateTable();
        ProducerSnapshots.DeleteAll(Directory);
    }
}
