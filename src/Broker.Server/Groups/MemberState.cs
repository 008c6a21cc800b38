namespace Broker.Server.Groups;

/// <summary>
/// Where a member is in reconciling its current assignment towards its target (KIP-848's member states).
/// The numbers are stored in <see cref="GroupCurrentMemberAssignmentValue"/> records; do not renumber.
/// </summary>
public enum MemberState : sbyte
{
    /// <summary>The member holds everything of its target that it may hold; its epoch is the assignment epoch it last reached.</summary>
    Stable = 0,

    /// <summary>
    /// The member must first release partitions no longer in its target. It keeps its old epoch until it reports
    /// (through the partitions it says it owns) that it has released them.
    /// </summary>
    UnrevokedPartitions = 1,

    /// <summary>
    /// The member reached the assignment epoch, but some partitions of its target are still held by other members;
    /// it gets them on a later heartbeat, once their owners have released them.
    /// </summary>
    UnreleasedPartitions = 2,
}
