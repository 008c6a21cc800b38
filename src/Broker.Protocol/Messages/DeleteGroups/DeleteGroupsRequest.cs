namespace Broker.Protocol.Messages.DeleteGroups;

/// <summary>
/// DeleteGroups v0: groups_names [string]. Deletes empty groups and their committed offsets (tombstones in
/// __consumer_offsets). Each group succeeds or fails on its own; a group with members is NON_EMPTY_GROUP.
/// </summary>
public sealed class DeleteGroupsRequest : IRequestMessage<DeleteGroupsRequest>
{
    public static ApiKey ApiKey => ApiKey.DeleteGroups;

    public IReadOnlyList<string> GroupsNames { get; init; } = [];

    public static DeleteGroupsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteGroups, version);
        return new DeleteGroupsRequest { GroupsNames = reader.ReadStringArray() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteGroups, version);
        writer.WriteStringArray(GroupsNames);
    }
}
