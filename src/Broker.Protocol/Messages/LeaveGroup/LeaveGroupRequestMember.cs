namespace Broker.Protocol.Messages.LeaveGroup;

/// <summary>
/// One member to remove: member_id string | group_instance_id string (nullable) | reason string (nullable). A static
/// member may be named by its instance id alone, with an empty member id.
/// </summary>
public readonly record struct LeaveGroupRequestMember(string MemberId, string? GroupInstanceId = null, string? Reason = null)
{
    internal const int EncodedBytesMin = 2 + 2 + 2;

    internal static LeaveGroupRequestMember Read(ref ProtocolReader reader, short version) =>
        new(reader.ReadString(), reader.ReadNullableString(), reader.ReadNullableString());

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(MemberId);
        writer.WriteString(GroupInstanceId);
        writer.WriteString(Reason);
    }
}
