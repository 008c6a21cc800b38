namespace Broker.Server.Groups;

/// <summary>The state of a group as DescribeGroups and ListGroups report it (KIP-848's group states).</summary>
public enum GroupState
{
    /// <summary>No members; the group may still hold committed offsets.</summary>
    Empty,

    /// <summary>The group epoch moved past the assignment epoch: a new target assignment is due.</summary>
    Assigning,

    /// <summary>The target is computed, but some member has not yet reached it.</summary>
    Reconciling,

    /// <summary>Every member holds its target at the assignment epoch.</summary>
    Stable,

    /// <summary>The group does not exist (deleted, or never created).</summary>
    Dead,
}
