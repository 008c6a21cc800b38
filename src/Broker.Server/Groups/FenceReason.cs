namespace Broker.Server.Groups;

/// <summary>Why the coordinator removed a member that did not ask to leave.</summary>
public enum FenceReason
{
    /// <summary>No heartbeat within the session timeout.</summary>
    SessionTimeout,

    /// <summary>Did not release revoked partitions within its rebalance timeout.</summary>
    RebalanceTimeout,
}
