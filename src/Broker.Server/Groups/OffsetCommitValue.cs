namespace Broker.Server.Groups;

/// <summary>
/// A committed offset: the next offset the group will consume, the leader epoch of the record before it (-1 if
/// unknown), the client's metadata string, and when the coordinator accepted it (for retention and DescribeGroups).
/// </summary>
public sealed record OffsetCommitValue(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestampMs) : GroupRecordValue
{
    public override GroupRecordType Type => GroupRecordType.OffsetCommit;
}
