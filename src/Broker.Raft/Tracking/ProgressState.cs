namespace Broker.Raft.Tracking;

/// <summary>How the leader currently feeds one follower.</summary>
public enum ProgressState
{
    /// <summary>Match unknown: one append per heartbeat interval until the follower's log end is found.</summary>
    Probe,

    /// <summary>Match known: stream appends optimistically, bounded by the in-flight window.</summary>
    Replicate,

    /// <summary>The follower needs entries already compacted: a snapshot is on its way; send nothing else.</summary>
    Snapshot,
}
