namespace Broker.Server.Groups;

/// <summary>
/// The input of an assignor: the members (ordinal order of member id) and the partition count of every topic
/// that some member subscribes to and that exists. Topics absent from the counts get no partitions assigned.
/// </summary>
public sealed record AssignmentSpec(IReadOnlyList<AssignmentMember> Members, IReadOnlyDictionary<string, int> PartitionCounts);
