namespace Broker.Protocol.Messages.ListGroups;

/// <summary>
/// One group: group_id string | protocol_type string | group_state string | group_type string. The strings are
/// those of <see cref="GroupWireValues"/>.
/// </summary>
public readonly record struct ListGroupsResponseGroup(string GroupId, string ProtocolType, string GroupState, string GroupType)
{
    internal const int EncodedBytesMin = 2 + 2 + 2 + 2;

    internal static ListGroupsResponseGroup Read(ref ProtocolReader reader, short version) =>
        new(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString());

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteString(ProtocolType);
        writer.WriteString(GroupState);
        writer.WriteString(GroupType);
    }
}
