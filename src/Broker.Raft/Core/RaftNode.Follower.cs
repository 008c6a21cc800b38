namespace Broker.Raft.Core;

/// <summary>The follower's step function and the handling of the leader's messages, shared with candidates.</summary>
internal sealed partial class RaftNode
{
    private void StepFollower(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                FollowLeader(message.From);
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                FollowLeader(message.From);
                HandleHeartbeat(message);
                break;
            case MessageType.InstallSnapshot:
                FollowLeader(message.From);
                HandleSnapshot(message);
                break;
            case MessageType.TransferLeader or MessageType.ReadIndex:
                // Forwarded with term 0, so the leader treats it as its own local request.
                if (Leader != NodeId.None)
                {
                    // Added directly: Send would overwrite From, which names the transferee of a TransferLeader.
                    _outbox.Add(message with { From = message.Type == MessageType.TransferLeader ? message.From : Id, To = Leader, Term = 0 });
                }

                break;
            case MessageType.TimeoutNow:
                // The leader hands over: campaign at once, without pre-vote, and past the others' leases.
                Hup(transfer: true);
                break;
            case MessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(message.Index, message.Context));
                break;
        }
    }

    private void FollowLeader(int leader)
    {
        _electionElapsed = 0;
        Leader = leader;
    }

    private void HandleAppend(Message message)
    {
        if (message.Index < Log.Committed)
        {
            // Everything up to our commit index matches the leader's log already; say how far we are.
            Respond(message, index: Log.Committed);
            return;
        }

        var lastNew = Log.MaybeAppend(message.Index, message.LogTerm, message.Commit, message.Entries);
        ApplyConfigIfChanged();
        if (lastNew is { } last)
        {
            Respond(message, index: last);
            return;
        }

        var (hintIndex, hintTerm) = Log.FindConflictByTerm(Math.Min(message.Index, Log.LastIndex), message.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term,
            Index = message.Index, Reject = true, RejectHint = hintIndex, LogTerm = hintTerm,
        });
    }

    private void HandleHeartbeat(Message message)
    {
        Log.CommitTo(message.Commit);
        Send(new Message { Type = MessageType.HeartbeatResponse, From = Id, To = message.From, Term = Term, Context = message.Context });
    }

    private void HandleSnapshot(Message message)
    {
        var snapshot = message.Snapshot ?? throw new InvalidOperationException("InstallSnapshot without a snapshot.");
        if (Restore(snapshot))
        {
            Respond(message, index: Log.LastIndex);
        }
        else
        {
            Respond(message, index: Log.Committed);
        }
    }

    /// <summary>Installs a leader's snapshot unless it brings nothing new; returns whether it did.</summary>
    private bool Restore(Snapshot snapshot)
    {
        // No check that the snapshot's membership includes us: a node just added learns of its addition from
        // a config entry that may lie after the snapshot, since the leader feeds it from the moment it appends that entry.
        if (snapshot.Index <= Log.Committed)
        {
            return false;
        }

        if (Log.MatchTerm(snapshot.Index, snapshot.Term))
        {
            // Our log already holds the snapshot's last entry, so the entries before it match too: commit instead.
            Log.CommitTo(snapshot.Index);
            return false;
        }

        Log.Restore(snapshot);
        ApplyConfigIfChanged();
        return true;
    }

    private void Respond(Message request, long index) =>
        Send(new Message { Type = MessageType.AppendResponse, From = Id, To = request.From, Term = Term, Index = index });
}
