namespace Broker.Raft;

/// <summary>
/// One Raft message. Fields are interpreted per <see cref="MessageType"/>, as in etcd's raftpb.Message;
/// the meaning of each is given on the type that uses it. Immutable once built, so the simulator may
/// deliver the same instance twice.
/// </summary>
public sealed record Message
{
    public required MessageType Type { get; init; }

    public int From { get; init; }

    public int To { get; init; }

    /// <summary>The sender's term; zero for local messages. A PreVote carries the term the sender would campaign in.</summary>
    public long Term { get; init; }

    /// <summary>Append: term of the entry at <see cref="Index"/>. Votes: term of the candidate's last entry.
    /// Rejected AppendResponse: term of the follower's entry at <see cref="RejectHint"/>.</summary>
    public long LogTerm { get; init; }

    /// <summary>Append: index preceding <see cref="Entries"/>. Votes: candidate's last index. AppendResponse: the
    /// follower's last matching index, or the rejected index. ReadIndexResponse: the read index.</summary>
    public long Index { get; init; }

    public IReadOnlyList<Entry> Entries { get; init; } = [];

    public long Commit { get; init; }

    public bool Reject { get; init; }

    /// <summary>Rejected AppendResponse: an index at or below which the leader should probe next.</summary>
    public long RejectHint { get; init; }

    public Snapshot? Snapshot { get; init; }

    /// <summary>ReadIndex and its response: the request tag. Heartbeat and its response: the leader's read sequence.</summary>
    public long Context { get; init; }

    /// <summary>Vote from a leadership transfer: the receiver must not refuse it because of a leader lease.</summary>
    public bool Transfer { get; init; }

    public override string ToString() =>
        $"{Type} {From}->{To} t{Term} i{Index} lt{LogTerm} c{Commit} n{Entries.Count}{(Reject ? " reject" : "")}";
}
