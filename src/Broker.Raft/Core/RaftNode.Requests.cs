namespace Broker.Raft.Core;

/// <summary>What the application asks of the leader: proposals, config changes, reads, leadership transfer.</summary>
internal sealed partial class RaftNode
{
    public ProposalResult Propose(IReadOnlyList<ReadOnlyMemory<byte>> data)
    {
        if (Role != Role.Leader)
        {
            return ProposalResult.NotLeader;
        }

        if (LeadTransferee != NodeId.None)
        {
            return ProposalResult.TransferInProgress;
        }

        var entries = new Entry[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            entries[i] = new Entry(0, 0, data[i]);
        }

        AppendAsLeader(entries);
        BroadcastAppend();
        return ProposalResult.Accepted;
    }

    /// <summary>
    /// Appends the membership that results from <paramref name="change"/>. It takes effect at once (the
    /// latest config in the log rules), so two rules keep single-server changes safe: at most one config
    /// entry may be uncommitted, and none may be appended before this leader committed an entry of its own
    /// term (otherwise a change from a previous term, unknown to us, might still commit alongside ours;
    /// Ongaro's 2015 correction to the dissertation).
    /// </summary>
    public ProposalResult ProposeConfChange(ConfChange change)
    {
        if (Role != Role.Leader)
        {
            return ProposalResult.NotLeader;
        }

        if (LeadTransferee != NodeId.None)
        {
            return ProposalResult.TransferInProgress;
        }

        if (Log.Configs.LatestIndex > Log.Committed || !CommittedEntryInCurrentTerm)
        {
            return ProposalResult.ConfChangeInProgress;
        }

        var current = Log.Configs.Latest;
        var next = change.ApplyTo(current);
        if (next.Equals(current) || next.Voters.Count == 0 || (change.NodeId == Id && change.Type != ConfChangeType.AddVoter))
        {
            return ProposalResult.InvalidConfChange;
        }

        AppendAsLeader([new Entry(0, 0, EntryType.Config, next.Encode())]);
        BroadcastAppend();
        return ProposalResult.Accepted;
    }

    private void LeaderReadIndex(Message request)
    {
        if (Tracker.IsSingleVoter(Id))
        {
            AnswerRead(new ReadOnly.ReadIndexRequest(0, Log.Committed, request.From, request.Context));
            return;
        }

        if (!CommittedEntryInCurrentTerm)
        {
            // Our commit index may lag the previous leader's until our first entry commits; wait for it.
            _readsAwaitingTermCommit.Add(request);
            return;
        }

        Reads.Add(Log.Committed, request.From, request.Context);
        BroadcastHeartbeat();
    }

    private void ReleaseReads()
    {
        foreach (var read in Reads.Release(Tracker.Voters, Id))
        {
            AnswerRead(read);
        }
    }

    private void AnswerRead(ReadOnly.ReadIndexRequest read)
    {
        if (read.From == NodeId.None || read.From == Id)
        {
            _readStates.Add(new ReadState(read.Index, read.Context));
        }
        else
        {
            Send(new Message { Type = MessageType.ReadIndexResponse, From = Id, To = read.From, Term = Term, Index = read.Index, Context = read.Context });
        }
    }

    private void LeaderTransfer(int target)
    {
        if (target == Id || !Tracker.Config.IsVoter(target) || LeadTransferee == target)
        {
            return;
        }

        // The transfer must finish within one election timeout, counted from now.
        _electionElapsed = 0;
        LeadTransferee = target;
        var progress = Tracker.Progress[target];
        if (progress.Match == Log.LastIndex)
        {
            Send(new Message { Type = MessageType.TimeoutNow, From = Id, To = target, Term = Term });
        }
        else
        {
            SendAppend(target, sendIfEmpty: true);
        }
    }

    /// <summary>Local requests from the application that go through the role step functions.</summary>
    public void StepLocal(MessageType type, int from, long context = 0, bool reject = false) =>
        Step(new Message { Type = type, From = from, Context = context, Reject = reject });
}
