namespace Broker.Protocol.Messages.LeaveGroup;

/// <summary>
/// LeaveGroup v0: group_id string | members [LeaveGroupRequestMember]. Removes members at once, without waiting for
/// their sessions to expire: the admin path (remove a stuck or retired static member). A consumer leaves by its
/// own heartbeat instead (member_epoch -1 or -2), which also ends its heartbeat loop.
/// </summary>
public sealed class LeaveGroupRequest : IRequestMessage<LeaveGroupRequest>
{
    public static ApiKey ApiKey => ApiKey.LeaveGroup;

    public required string GroupId { get; init; }

    public IReadOnlyList<LeaveGroupRequestMember> Members { get; init; } = [];

    public static LeaveGroupRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.LeaveGroup, version);
        var groupId = reader.ReadString();
        var members = new LeaveGroupRequestMember[reader.ReadArrayCount(LeaveGroupRequestMember.EncodedBytesMin)];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = LeaveGroupRequestMember.Read(ref reader, version);
        }

        return new LeaveGroupRequest { GroupId = groupId, Members = members };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.LeaveGroup, version);
        writer.WriteString(GroupId);
        writer.WriteArrayCount(Members.Count);
        for (var i = 0; i < Members.Count; i++)
        {
            Members[i].Write(ref writer, version);
        }
    }
}
