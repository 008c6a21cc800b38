namespace Broker.Server.Groups;

/// <summary>The member epochs with a meaning of their own in a heartbeat (KIP-848).</summary>
public static class GroupMemberEpochs
{
    /// <summary>A member joins (or, after being fenced, rejoins with its member id).</summary>
    public const int Join = 0;

    /// <summary>A member leaves; its partitions are reassigned at once.</summary>
    public const int Leave = -1;

    /// <summary>
    /// A static member leaves for a while (a restart): it keeps its assignment for the session timeout, and a new
    /// member with the same instance id takes it over without any reassignment.
    /// </summary>
    public const int StaticLeave = -2;
}
