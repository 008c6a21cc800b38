using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DescribeGroups;

/// <summary>DescribeGroups v0 response: error_code int16 | throttle_time_ms int32 | groups [DescribeGroupsResponseGroup].</summary>
public sealed class DescribeGroupsResponse : IResponseMessage<DescribeGroupsResponse>
{
    public static ApiKey ApiKey => ApiKey.DescribeGroups;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<DescribeGroupsResponseGroup> Groups { get; init; } = [];

    public static DescribeGroupsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeGroups, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new DescribeGroupsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var groups = new DescribeGroupsResponseGroup[reader.ReadArrayCount(DescribeGroupsResponseGroup.EncodedBytesMin)];
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i] = DescribeGroupsResponseGroup.Read(ref reader, version);
        }

        return new DescribeGroupsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Groups = groups };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DescribeGroups, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Groups.Count);
        for (var i = 0; i < Groups.Count; i++)
        {
            Groups[i].Write(ref writer, version);
        }
    }
}
