namespace Broker.Raft;

/// <summary>The role a node plays in its current term; each has its own step function.</summary>
public enum Role
{
    Follower,

    /// <summary>Asking for pre-votes without raising its term, so a partitioned node cannot disrupt a healthy leader.</summary>
    PreCandidate,
    Candidate,
    Leader,
}
