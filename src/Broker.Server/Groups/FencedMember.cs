namespace Broker.Server.Groups;

/// <summary>A member the coordinator removed: its partitions are free for the others.</summary>
public sealed record FencedMember(string GroupId, string MemberId, string? InstanceId, FenceReason Reason);
