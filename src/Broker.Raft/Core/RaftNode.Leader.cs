using Broker.Raft.Tracking;

namespace Broker.Raft.Core;

/// <summary>The leader's step function and how it reacts to its followers' answers.</summary>
internal sealed partial class RaftNode
{
    private void StepLeader(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Beat:
                BroadcastHeartbeat();
                return;
            case MessageType.CheckQuorum:
                CheckQuorum();
                return;
            case MessageType.ReadIndex:
                LeaderReadIndex(message);
                return;
            case MessageType.TransferLeader:
                LeaderTransfer(message.From);
                return;
        }

        if (!Tracker.Progress.TryGetValue(message.From, out var progress))
        {
            // Not (or no longer) a member; its answers mean nothing to us.
            return;
        }

        switch (message.Type)
        {
            case MessageType.AppendResponse:
                progress.RecentActive = true;
                HandleAppendResponse(message, progress);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(message, progress);
                break;
            case MessageType.SnapshotStatus:
                HandleSnapshotStatus(message, progress);
                break;
            case MessageType.Unreachable:
                // Appends may have been lost; stop streaming and probe again.
                if (progress.State == ProgressState.Replicate)
                {
                    progress.BecomeProbe();
                }

                break;
        }
    }

    private void CheckQuorum()
    {
        if (!Tracker.QuorumActive(Id))
        {
            // Without a majority this leader can commit nothing; a newer leader may exist on the other side.
            BecomeFollower(Term, NodeId.None);
            return;
        }

        Tracker.ClearRecentActive(Id);
    }

    private void HandleAppendResponse(Message message, Progress progress)
    {
        if (message.Reject)
        {
            var hint = message.LogTerm > 0
                ? Log.FindConflictByTerm(message.RejectHint, message.LogTerm).Index
                : message.RejectHint;
            if (progress.MaybeDecreaseTo(message.Index, hint))
            {
                if (progress.State == ProgressState.Replicate)
                {
                    progress.BecomeProbe();
                }

                SendAppend(message.From, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(message.Index))
        {
            return;
        }

        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match + 1 >= Log.FirstIndex:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.Inflights.FreeUpTo(message.Index);
                break;
        }

        if (MaybeCommit())
        {
            OnCommitAdvanced();
        }
        else if (wasPaused)
        {
            SendAppend(message.From, sendIfEmpty: true);
        }

        // Fill the in-flight window; stops when there is nothing more or the window is full.
        while (SendAppend(message.From, sendIfEmpty: false))
        {
        }

        if (message.From == LeadTransferee && progress.Match == Log.LastIndex)
        {
            Send(new Message { Type = MessageType.TimeoutNow, From = Id, To = message.From, Term = Term });
        }
    }

    private void HandleHeartbeatResponse(Message message, Progress progress)
    {
        progress.RecentActive = true;
        progress.ProbeSent = false;
        if (progress.State == ProgressState.Replicate && progress.Inflights.IsFull)
        {
            progress.Inflights.FreeFirstOne();
        }

        if (progress.Match < Log.LastIndex)
        {
            SendAppend(message.From, sendIfEmpty: true);
        }

        if (message.Context > 0 && !progress.IsObserver)
        {
            Reads.Acknowledge(message.From, message.Context);
            ReleaseReads();
        }
    }

    private void HandleSnapshotStatus(Message message, Progress progress)
    {
        if (progress.State != ProgressState.Snapshot)
        {
            return;
        }

        // Either way, wait for the next heartbeat response before probing: on success the follower's answer
        // to the snapshot usually arrives first; on failure, retrying at once would only fail again.
        progress.BecomeProbe();
        progress.ProbeSent = true;
    }

    /// <summary>Commits what a quorum of voters holds, if it is of this term.</summary>
    private bool MaybeCommit()
    {
        var quorumMatch = Tracker.QuorumMatch();
        if (_config.PlantedBug == PlantedBug.CommitOlderTermEntriesByCounting && quorumMatch > Log.Committed)
        {
            Log.CommitTo(quorumMatch);
            return true;
        }

        return Log.MaybeCommit(quorumMatch, Term);
    }

    private void OnCommitAdvanced()
    {
        if (CommittedEntryInCurrentTerm && _readsAwaitingTermCommit.Count > 0)
        {
            var waiting = _readsAwaitingTermCommit.ToList();
            _readsAwaitingTermCommit.Clear();
            foreach (var read in waiting)
            {
                LeaderReadIndex(read);
            }
        }

        BroadcastAppend();
    }

    private bool CommittedEntryInCurrentTerm => Log.TermOrZero(Log.Committed) == Term;
}
