using Broker.Core.Errors;

namespace Broker.Protocol.Messages.LeaveGroup;

/// <summary>
/// The outcome for one member: member_id string | group_instance_id string (nullable) | error_code int16
/// (UNKNOWN_MEMBER_ID when the group has no such member, or the instance id belongs to another member id).
/// </summary>
public readonly record struct LeaveGroupResponseMember(string MemberId, string? GroupInstanceId, ErrorCode ErrorCode)
{
    internal const int EncodedBytesMin = 2 + 2 + 2;

    internal static LeaveGroupResponseMember Read(ref ProtocolReader reader, short version) =>
        new(reader.ReadString(), reader.ReadNullableString(), (ErrorCode)reader.ReadInt16());

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(MemberId);
        writer.WriteString(GroupInstanceId);
        writer.WriteInt16((short)ErrorCode);
    }
}
