using Broker.Raft.Storage;
using Broker.Raft.Tracking;

namespace Broker.Raft.Core;

/// <summary>What the leader appends and sends: entries, snapshots and heartbeats.</summary>
internal sealed partial class RaftNode
{
    /// <summary>Gives the entries this term and the next indices, appends them, and counts the leader's own copy.</summary>
    private void AppendAsLeader(IReadOnlyList<Entry> entries)
    {
        var next = Log.LastIndex + 1;
        var positioned = new Entry[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            positioned[i] = entries[i].WithPosition(next + i, Term);
        }

        Log.Append(positioned);
        ApplyConfigIfChanged();

        // The leader's copy counts toward the quorum before it is durable; that is safe because the
        // driver persists the Ready's entries before it sends any message of that Ready (Raft section 10.2.1).
        Tracker.Progress[Id].MaybeUpdate(Log.LastIndex);
        MaybeCommit();
    }

    private void BroadcastAppend()
    {
        foreach (var id in Tracker.Progress.Keys)
        {
            if (id != Id)
            {
                SendAppend(id, sendIfEmpty: true);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="to"/> what it needs next, within flow control: entries from its Next, or the
    /// snapshot if those are compacted. Returns whether anything was sent.
    /// </summary>
    private bool SendAppend(int to, bool sendIfEmpty)
    {
        var progress = Tracker.Progress[to];
        if (progress.IsPaused)
        {
            return false;
        }

        var prevIndex = progress.Next - 1;
        var termError = Log.TryGetTerm(prevIndex, out var prevTerm);
        var entries = new List<Entry>();
        var entriesError = Log.TrySlice(progress.Next, Log.LastIndex + 1, _config.AppendBytesMax, entries);
        if (termError != RaftStorageError.None || entriesError != RaftStorageError.None)
        {
            return SendSnapshot(to, progress);
        }

        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }

        Send(new Message
        {
            Type = MessageType.Append, From = Id, To = to, Term = Term,
            Index = prevIndex, LogTerm = prevTerm, Entries = entries, Commit = Log.Committed,
        });
        progress.SentAppend(prevIndex + entries.Count, entries.Count);
        return true;
    }

    private bool SendSnapshot(int to, Progress progress)
    {
        if (!progress.RecentActive)
        {
            // A snapshot can be large; do not send one to a node that has not answered lately.
            return false;
        }

        var snapshot = Log.Snapshot;
        if (snapshot.IsEmpty)
        {
            throw new InvalidOperationException("Entries are compacted but storage holds no snapshot.");
        }

        Send(new Message { Type = MessageType.InstallSnapshot, From = Id, To = to, Term = Term, Snapshot = snapshot });
        progress.BecomeSnapshot(snapshot.Index);
        return true;
    }

    private void BroadcastHeartbeat()
    {
        foreach (var (id, progress) in Tracker.Progress)
        {
            if (id != Id)
            {
                // Never tell a follower to commit past what it is known to hold: it might not hold it yet.
                Send(new Message
                {
                    Type = MessageType.Heartbeat, From = Id, To = id, Term = Term,
                    Commit = Math.Min(progress.Match, Log.Committed), Context = Reads.LastSequence,
                });
            }
        }
    }
}
