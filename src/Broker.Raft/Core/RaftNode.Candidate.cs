namespace Broker.Raft.Core;

/// <summary>The step function of candidates and pre-candidates.</summary>
internal sealed partial class RaftNode
{
    private void StepCandidate(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot:
                // A leader of our term exists (a higher term was handled in Step): we lost this election.
                BecomeFollower(message.Term, message.From);
                StepFollower(message);
                break;
            case MessageType.PreVoteResponse when Role == Role.PreCandidate:
            case MessageType.VoteResponse when Role == Role.Candidate:
                CountVote(message);
                break;
        }
    }

    private void CountVote(Message message)
    {
        Tracker.RecordVote(message.From, granted: !message.Reject);
        switch (Tracker.TallyVotes())
        {
            case Tracking.VoteResult.Won:
                WinElection();
                break;
            case Tracking.VoteResult.Lost:
                // A higher term in a rejection was adopted in Step already; ours is the one to wait in.
                BecomeFollower(Term, NodeId.None);
                break;
        }
    }
}
