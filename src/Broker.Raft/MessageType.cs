namespace Broker.Raft;

/// <summary>
/// Messages between nodes, plus local ones (term 0) that the application feeds into Step so that every
/// input, a clock tick included, takes the same path through the role step functions.
/// </summary>
public enum MessageType
{
    /// <summary>Local: start an election (after an election timeout, or on request).</summary>
    Hup,

    /// <summary>Local: the leader's heartbeat timer fired.</summary>
    Beat,

    /// <summary>Local: the leader's check-quorum timer fired.</summary>
    CheckQuorum,

    PreVote,
    PreVoteResponse,
    Vote,
    VoteResponse,

    /// <summary>Entries after (<see cref="Message.Index"/>, <see cref="Message.LogTerm"/>), plus the leader's commit.</summary>
    Append,
    AppendResponse,
    Heartbeat,
    HeartbeatResponse,
    InstallSnapshot,

    /// <summary>From a leader handing over: campaign now, skipping pre-vote and the followers' leader lease.</summary>
    TimeoutNow,

    /// <summary>Local or forwarded: hand leadership to <see cref="Message.From"/> (etcd's convention).</summary>
    TransferLeader,

    /// <summary>Local or forwarded: linearizable read request tagged with <see cref="Message.Context"/>.</summary>
    ReadIndex,
    ReadIndexResponse,

    /// <summary>Local: the transport reports that a snapshot to <see cref="Message.From"/> was delivered (or failed, <see cref="Message.Reject"/>).</summary>
    SnapshotStatus,

    /// <summary>Local: the transport could not reach <see cref="Message.From"/>.</summary>
    Unreachable,
}
