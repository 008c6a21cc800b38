namespace Broker.Raft;

/// <summary>Outcome of a proposal. Anything but <see cref="Accepted"/> means nothing was appended; the caller
/// may retry, elsewhere or later.</summary>
public enum ProposalResult
{
    Accepted,

    /// <summary>This node is not the leader (proposals are not forwarded; the caller knows the leader from SoftState).</summary>
    NotLeader,

    /// <summary>A leadership transfer is under way; proposals resume when it ends.</summary>
    TransferInProgress,

    /// <summary>A config change is not yet committed, or this leader has not yet committed an entry of its own term.</summary>
    ConfChangeInProgress,

    /// <summary>The change is a no-op, leaves no voter, or removes or demotes the leader itself (transfer first).</summary>
    InvalidConfChange,
}
