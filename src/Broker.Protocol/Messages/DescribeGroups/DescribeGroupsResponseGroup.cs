using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DescribeGroups;

/// <summary>
/// One described group: error_code int16 | error_message string (nullable) | group_id string | group_state string |
/// group_epoch int32 | assignment_epoch int32 | assignor_name string | members [DescribeGroupsResponseMember] |
/// authorized_operations int32.
/// </summary>
public sealed class DescribeGroupsResponseGroup
{
    internal const int EncodedBytesMin = 2 + 2 + 2 + 2 + 4 + 4 + 2 + 4 + 4;

    /// <summary>GROUP_ID_NOT_FOUND, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, INVALID_GROUP_ID.</summary>
    public ErrorCode ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public required string GroupId { get; init; }

    /// <summary>One of the states of <see cref="GroupWireValues"/>; empty with an error.</summary>
    public string GroupState { get; init; } = "";

    /// <summary>Bumped by the coordinator on every change of membership or subscriptions.</summary>
    public int GroupEpoch { get; init; }

    /// <summary>The group epoch the current target assignment was computed for; behind GroupEpoch while assigning.</summary>
    public int AssignmentEpoch { get; init; }

    /// <summary>The server assignor in use (<see cref="GroupWireValues.UniformAssignor"/>, ...).</summary>
    public string AssignorName { get; init; } = "";

    public IReadOnlyList<DescribeGroupsResponseMember> Members { get; init; } = [];

    /// <summary>Kafka's ACL operation bit set; <see cref="ProtocolSentinels.AuthorizedOperationsOmitted"/> unless
    /// asked for.</summary>
    public int AuthorizedOperations { get; init; } = ProtocolSentinels.AuthorizedOperationsOmitted;

    internal static DescribeGroupsResponseGroup Read(ref ProtocolReader reader, short version)
    {
        var errorCode = (ErrorCode)reader.ReadInt16();
        var errorMessage = reader.ReadNullableString();
        var groupId = reader.ReadString();
        var groupState = reader.ReadString();
        var groupEpoch = reader.ReadInt32();
        var assignmentEpoch = reader.ReadInt32();
        var assignorName = reader.ReadString();
        var members = new DescribeGroupsResponseMember[reader.ReadArrayCount(DescribeGroupsResponseMember.EncodedBytesMin)];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = DescribeGroupsResponseMember.Read(ref reader, version);
        }

        return new DescribeGroupsResponseGroup
        {
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            GroupId = groupId,
            GroupState = groupState,
            GroupEpoch = groupEpoch,
            AssignmentEpoch = assignmentEpoch,
            AssignorName = assignorName,
            Members = members,
            AuthorizedOperations = reader.ReadInt32(),
        };
    }

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(ErrorMessage);
        writer.WriteString(GroupId);
        writer.WriteString(GroupState);
        writer.WriteInt32(GroupEpoch);
        writer.WriteInt32(AssignmentEpoch);
        writer.WriteString(AssignorName);
        writer.WriteArrayCount(Members.Count);
        for (var i = 0; i < Members.Count; i++)
        {
            Members[i].Write(ref writer, version);
        }

        writer.WriteInt32(AuthorizedOperations);
    }
}
