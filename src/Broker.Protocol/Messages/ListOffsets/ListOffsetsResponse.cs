using Broker.Core.Errors;

namespace Broker.Protocol.Messages.ListOffsets;

/// <summary>ListOffsets v0 response: error_code int16 | throttle_time_ms int32 | topics [ListOffsetsResponseTopic].</summary>
public sealed class ListOffsetsResponse : IResponseMessage<ListOffsetsResponse>
{
    public static ApiKey ApiKey => ApiKey.ListOffsets;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<ListOffsetsResponseTopic> Topics { get; init; } = [];

    public static ListOffsetsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListOffsets, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new ListOffsetsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var topics = new ListOffsetsResponseTopic[reader.ReadArrayCount(ListOffsetsResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = ListOffsetsResponseTopic.Read(ref reader, version);
        }

        return new ListOffsetsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ListOffsets, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
