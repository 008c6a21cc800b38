namespace Broker.Protocol.Messages.ListGroups;

/// <summary>
/// ListGroups v0: states_filter [string] | types_filter [string]. Lists the groups this broker coordinates; a
/// client asks every broker to see the whole cluster. An empty filter matches every group; values are compared
/// case-insensitively (Kafka's rule), so "stable" matches "Stable".
/// </summary>
public sealed class ListGroupsRequest : IRequestMessage<ListGroupsRequest>
{
    public static ApiKey ApiKey => ApiKey.ListGroups;

    /// <summary>Group states to list (<see cref="GroupWireValues.StableState"/>, ...); empty for all.</summary>
    public IReadOnlyList<string> StatesFilter { get; init; } = [];

    /// <summary>Group types to list (<see cref="GroupWireValues.ConsumerGroupType"/>); empty for all.</summary>
    public IReadOnlyList<string> TypesFilter { get; init; } = [];

    public static ListGroupsRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListGroups, version);
        return new ListGroupsRequest { StatesFilter = reader.ReadStringArray(), TypesFilter = reader.ReadStringArray() };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListGroups, version);
        writer.WriteStringArray(StatesFilter);
        writer.WriteStringArray(TypesFilter);
    }
}
