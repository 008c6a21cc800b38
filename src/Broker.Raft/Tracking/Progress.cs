namespace Broker.Raft.Tracking;

/// <summary>The leader's view of one follower's log, as in the Raft paper's nextIndex/matchIndex plus etcd's states.</summary>
internal sealed class Progress
{
    public Progress(long next, int inflightAppendsMax, bool isObserver)
    {
        Next = next;
        Inflights = new Inflights(inflightAppendsMax);
        IsObserver = isObserver;
    }

    /// <summary>Highest index known to be in the follower's stable log.</summary>
    public long Match { get; set; }

    /// <summary>Index of the next entry to send.</summary>
    public long Next { get; set; }

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>Index of the snapshot being sent, while in <see cref="ProgressState.Snapshot"/>.</summary>
    public long PendingSnapshot { get; private set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>In Probe: an append is outstanding; wait for its answer or the next heartbeat response.</summary>
    public bool ProbeSent { get; set; }

    public Inflights Inflights { get; }

    public bool IsObserver { get; set; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // After a snapshot the follower holds at least the snapshot, so probing starts just past it.
        Next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshot + 1) : Match + 1;
        ResetState(ProgressState.Probe);
    }

    public void BecomeReplicate()
    {
        Next = Match + 1;
        ResetState(ProgressState.Replicate);
    }

    public void BecomeSnapshot(long snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    /// <summary>Records an acknowledgement up to <paramref name="index"/>; false if it was stale.</summary>
    public bool MaybeUpdate(long index)
    {
        var updated = Match < index;
        if (updated)
        {
            Match = index;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>Records that an append ending at <paramref name="lastIndex"/> (or an empty one) was sent.</summary>
    public void SentAppend(long lastIndex, int entryCount)
    {
        if (State == ProgressState.Replicate)
        {
            if (entryCount > 0)
            {
                Next = lastIndex + 1;
                Inflights.Add(lastIndex);
            }
        }
        else if (State == ProgressState.Probe)
        {
            ProbeSent = true;
        }
    }

    /// <summary>
    /// Handles a rejection of the append whose previous index was <paramref name="rejected"/>; moves Next back
    /// toward <paramref name="matchHint"/>, the follower's suggestion. False when the rejection is stale
    /// (an answer to an append the leader has since moved past).
    /// </summary>
    public bool MaybeDecreaseTo(long rejected, long matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    private void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshot = 0;
        State = state;
        Inflights.Reset();
    }

    public override string ToString() => $"{State} match={Match} next={Next}";
}
