using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DeleteGroups;

/// <summary>
/// The outcome for one group: group_id string | error_code int16 | error_message string (nullable). The layout of
/// <see cref="TopicResult"/>, named for groups.
/// </summary>
public readonly record struct DeleteGroupsResult(string GroupId, ErrorCode ErrorCode, string? ErrorMessage = null)
{
    internal const int EncodedBytesMin = 2 + 2 + 2;

    internal static DeleteGroupsResult Read(ref ProtocolReader reader, short version) =>
        new(reader.ReadString(), (ErrorCode)reader.ReadInt16(), reader.ReadNullableString());

    internal void Write(ref ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteString(ErrorMessage);
    }
}
