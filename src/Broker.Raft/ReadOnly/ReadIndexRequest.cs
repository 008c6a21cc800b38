namespace Broker.Raft.ReadOnly;

/// <summary>A read waiting for a quorum to confirm the leader: <see cref="Index"/> was the commit index when it
/// arrived, <see cref="From"/> the follower that forwarded it (or <see cref="NodeId.None"/> if local).</summary>
internal readonly record struct ReadIndexRequest(long Sequence, long Index, int From, long Context);
