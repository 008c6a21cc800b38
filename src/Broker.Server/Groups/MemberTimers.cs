namespace Broker.Server.Groups;

/// <summary>
/// A member's deadlines: soft state, not in any record. Writing a record per heartbeat would cost a write per
/// member every few seconds for nothing a new coordinator needs: after a load it restarts every clock at the load
/// time (<see cref="GroupCoordinatorShard.ResumeAfterLoad"/>), which only ever gives members more time.
/// </summary>
internal sealed class MemberTimers
{
    public long LastHeartbeatMs { get; set; }

    /// <summary>The member is fenced at or after this time unless it heartbeats again.</summary>
    public long SessionDeadlineMs { get; set; }

    /// <summary>Set while the member must release partitions: it is fenced at or after this time if it has not.</summary>
    public long? RevocationDeadlineMs { get; set; }
}
