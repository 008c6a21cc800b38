namespace Broker.Server.Groups;

/// <summary>
/// A batch of offsets to commit for one group. A group member sends its member id and current epoch; a client
/// outside group management (admin tools, manual assignment) sends an empty member id and epoch -1.
/// </summary>
public sealed record OffsetCommitInput(string GroupId, string MemberId, int MemberEpoch, IReadOnlyList<OffsetCommitEntry> Partitions);
