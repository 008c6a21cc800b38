namespace Broker.Protocol.Messages.DescribeGroups;

/// <summary>
/// DescribeGroups v0 (the layout of Kafka's ConsumerGroupDescribe): group_ids [string] |
/// include_authorized_operations bool. Sent to each group's coordinator; each group is described or fails on its own.
/// </summary>
public sealed class DescribeGroupsRequest : IRequestMessage<DescribeGroupsRequest>
{
    public static ApiKey ApiKey => ApiKey.DescribeGroups;

    public IReadOnlyList<string> GroupIds { get; init; } = [];

    /// <summary>Fill each group's authorized_operations (Kafka's ACL bit set).</summary>
    public bool IncludeAuthorizedOperations { get; init; }

    public static DescribeGroupsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeGroups, version);
        return new DescribeGroupsRequest { GroupIds = reader.ReadStringArray(), IncludeAuthorizedOperations = reader.ReadBoolean() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeGroups, version);
        writer.WriteStringArray(GroupIds);
        writer.WriteBoolean(IncludeAuthorizedOperations);
    }
}
