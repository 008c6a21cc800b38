namespace Broker.Raft;

/// <summary>
/// The state Raft requires on stable storage before a node answers anyone: the current term, the vote
/// cast in it, and how far the node knows the log to be committed (so a restart does not re-learn it).
/// </summary>
public readonly record struct HardState(long Term, int Vote, long Commit)
{
    public static HardState Empty => default;

    public bool IsEmpty => Term == 0 && Vote == NodeId.None && Commit == 0;
}
