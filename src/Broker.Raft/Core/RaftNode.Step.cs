namespace Broker.Raft.Core;

/// <summary>The term rules every message passes first, vote requests, and campaigning.</summary>
internal sealed partial class RaftNode
{
    public void Step(Message message)
    {
        if (message.Term > Term && !StepHigherTerm(message))
        {
            return;
        }

        if (message.Term != 0 && message.Term < Term && !StepLowerTerm(message))
        {
            return;
        }

        switch (message.Type)
        {
            case MessageType.Hup:
                Hup(transfer: false);
                break;
            case MessageType.Vote or MessageType.PreVote:
                HandleVoteRequest(message);
                break;
            default:
                StepRole(message);
                break;
        }
    }

    private void StepRole(Message message)
    {
        switch (Role)
        {
            case Role.Leader:
                StepLeader(message);
                break;
            case Role.Candidate or Role.PreCandidate:
                StepCandidate(message);
                break;
            default:
                StepFollower(message);
                break;
        }
    }

    /// <summary>A message from a later term. Returns whether to go on processing it.</summary>
    private bool StepHigherTerm(Message message)
    {
        if (message.Type is MessageType.Vote or MessageType.PreVote && !message.Transfer && InLeaderLease)
        {
            // We heard from a leader within an election timeout: this candidate is disruptive (say, a node
            // removed from the group or just back from a partition). Ignore it without raising our term.
            return false;
        }

        if (message.Type == MessageType.PreVote || (message.Type == MessageType.PreVoteResponse && !message.Reject))
        {
            // A pre-vote's term is hypothetical: neither asking nor granting one changes anybody's term.
            return true;
        }

        var leader = message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot
            ? message.From
            : NodeId.None;
        BecomeFollower(message.Term, leader);
        return true;
    }

    /// <summary>A message from an earlier term. Returns whether to go on processing it (only under a planted bug).</summary>
    private bool StepLowerTerm(Message message)
    {
        if ((_config.CheckQuorum || _config.PreVote) && message.Type is MessageType.Append or MessageType.Heartbeat)
        {
            // Either a delayed message, or this node raised its term alone (say, in a partition) and, with the
            // lease and pre-vote refusing its elections, could never rejoin. Our answer carries the newer term
            // and makes the leader step down, so the next election settles on a term everyone accepts.
            Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term });
        }
        else if (message.Type == MessageType.PreVote)
        {
            Send(new Message { Type = MessageType.PreVoteResponse, From = Id, To = message.From, Term = Term, Reject = true });
        }
        else if (message.Type == MessageType.VoteResponse && _config.PlantedBug == PlantedBug.CountVotesFromOlderTerms)
        {
            return true;
        }

        return false;
    }

    private bool InLeaderLease =>
        _config.CheckQuorum && Leader != NodeId.None && _electionElapsed < _config.ElectionTicks;

    private void HandleVoteRequest(Message message)
    {
        var isPreVote = message.Type == MessageType.PreVote;
        var canVote = Vote == message.From
            || (Vote == NodeId.None && Leader == NodeId.None)
            || (isPreVote && message.Term > Term);
        var responseType = isPreVote ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        if (canVote && Log.IsUpToDate(message.Index, message.LogTerm))
        {
            // The grant carries the candidate's term: for a pre-vote, our own term is still lower.
            Send(new Message { Type = responseType, From = Id, To = message.From, Term = message.Term });
            if (!isPreVote)
            {
                _electionElapsed = 0;
                Vote = message.From;
            }
        }
        else
        {
            Send(new Message { Type = responseType, From = Id, To = message.From, Term = Term, Reject = true });
        }
    }

    private void Hup(bool transfer)
    {
        if (Role == Role.Leader || !IsPromotable)
        {
            return;
        }

        if (_config.PreVote && !transfer)
        {
            Campaign(preVote: true, transfer: false);
        }
        else
        {
            Campaign(preVote: false, transfer: transfer);
        }
    }

    private void Campaign(bool preVote, bool transfer)
    {
        long term;
        if (preVote)
        {
            BecomePreCandidate();
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            term = Term;
        }

        Tracker.RecordVote(Id, granted: true);
        if (Tracker.TallyVotes() == Tracking.VoteResult.Won)
        {
            // A single voter wins at once.
            WinElection();
            return;
        }

        var type = preVote ? MessageType.PreVote : MessageType.Vote;
        foreach (var voter in Tracker.Voters)
        {
            if (voter != Id)
            {
                Send(new Message
                {
                    Type = type, From = Id, To = voter, Term = term,
                    Index = Log.LastIndex, LogTerm = Log.LastTerm, Transfer = transfer,
                });
            }
        }
    }

    private void WinElection()
    {
        if (Role == Role.PreCandidate)
        {
            Campaign(preVote: false, transfer: false);
        }
        else
        {
            BecomeLeader();
            BroadcastAppend();
        }
    }
}
