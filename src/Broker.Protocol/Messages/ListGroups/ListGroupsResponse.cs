using Broker.Core.Errors;

namespace Broker.Protocol.Messages.ListGroups;

/// <summary>
/// ListGroups v0 response: error_code int16 | throttle_time_ms int32 | groups [ListGroupsResponseGroup].
/// COORDINATOR_LOAD_IN_PROGRESS while this broker is still loading a partition of __consumer_offsets (the list
/// would be incomplete).
/// </summary>
public sealed class ListGroupsResponse : IResponseMessage<ListGroupsResponse>
{
    public static ApiKey ApiKey => ApiKey.ListGroups;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<ListGroupsResponseGroup> Groups { get; init; } = [];

    public static ListGroupsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListGroups, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new ListGroupsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var groups = new ListGroupsResponseGroup[reader.ReadArrayCount(ListGroupsResponseGroup.EncodedBytesMin)];
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i] = ListGroupsResponseGroup.Read(ref reader, version);
        }

        return new ListGroupsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Groups = groups };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListGroups, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Groups.Count);
        for (var i = 0; i < Groups.Count; i++)
        {
            Groups[i].Write(ref writer, version);
        }
    }
}
