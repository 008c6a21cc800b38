namespace Broker.Raft.Storage;

/// <summary>
/// The one correct order for making a <see cref="Ready"/> durable: snapshot, then entries (truncating the
/// suffix they replace) and a sync, then the hard state. Entries go first so that a saved commit index never
/// points past the durable log; the hard state goes before any message so a vote is never forgotten after
/// it was cast. The caller sends the Ready's messages only after this returns.
/// </summary>
public static class ReadyPersister
{
    public static void Persist(Ready ready, IRaftLog log, IRaftHardState hardState)
    {
        if (ready.Snapshot is { } snapshot)
        {
            var error = log.ApplySnapshot(snapshot);
            if (error != RaftStorageError.None)
            {
                throw new InvalidOperationException($"Storage refused the leader's snapshot at {snapshot.Index}: {error}.");
            }
        }

        AppendEntries(ready.Entries, log);
        if (ready.MustSync)
        {
            log.Sync();
        }

        if (ready.HardState is { } state)
        {
            hardState.Save(state);
        }
    }

    /// <summary>Writes the entries without syncing; the simulator calls this alone to model a crash mid-write.</summary>
    public static void AppendEntries(IReadOnlyList<Entry> entries, IRaftLog log)
    {
        if (entries.Count == 0)
        {
            return;
        }

        if (entries[0].Index <= log.LastIndex)
        {
            log.TruncateSuffix(entries[0].Index);
        }

        log.Append(entries);
    }
}
