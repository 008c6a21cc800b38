namespace Broker.Server.Groups;

/// <summary>The epoch of the group's target assignment: the group epoch it was computed at.</summary>
public sealed record GroupTargetAssignmentMetadataValue(int AssignmentEpoch) : GroupRecordValue
{
    public override GroupRecordType Type => GroupRecordType.GroupTargetAssignmentMetadata;
}
