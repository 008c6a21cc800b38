using Broker.Core.Errors;

namespace Broker.Protocol.Messages.LeaveGroup;

/// <summary>
/// LeaveGroup v0 response: error_code int16 | throttle_time_ms int32 | members [LeaveGroupResponseMember]. A
/// group-wide error (NOT_COORDINATOR, GROUP_ID_NOT_FOUND) is the top-level error_code with no members.
/// </summary>
public sealed class LeaveGroupResponse : IResponseMessage<LeaveGroupResponse>
{
    public static ApiKey ApiKey => ApiKey.LeaveGroup;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<LeaveGroupResponseMember> Members { get; init; } = [];

    public static LeaveGroupResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.LeaveGroup, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new LeaveGroupResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var members = new LeaveGroupResponseMember[reader.ReadArrayCount(LeaveGroupResponseMember.EncodedBytesMin)];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = LeaveGroupResponseMember.Read(ref reader, version);
        }

        return new LeaveGroupResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Members = members };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.LeaveGroup, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Members.Count);
        for (var i = 0; i < Members.Count; i++)
        {
            Members[i].Write(ref writer, version);
        }
    }
}
