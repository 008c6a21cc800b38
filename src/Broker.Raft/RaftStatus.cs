namespace Broker.Raft;

/// <summary>A copy of a node's state for observers (tests, the simulator's checkers, admin tools).</summary>
public sealed record RaftStatus(
    int Id,
    long Term,
    int Vote,
    int Leader,
    Role Role,
    long Commit,
    long Applied,
    long FirstIndex,
    long LastIndex,
    ConfState Config,
    int LeadTransferee,
    IReadOnlyDictionary<int, FollowerStatus> Followers);
