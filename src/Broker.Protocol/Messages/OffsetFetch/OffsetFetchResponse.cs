using Broker.Core.Errors;

namespace Broker.Protocol.Messages.OffsetFetch;

/// <summary>
/// OffsetFetch v0 response: error_code int16 | throttle_time_ms int32 | topics [OffsetFetchResponseTopic]. An error
/// of the whole request (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH) is
/// the top-level error_code with no topics. A partition with no committed offset, in a group that exists or not,
/// answers offset -1 without an error.
/// </summary>
public sealed class OffsetFetchResponse : IResponseMessage<OffsetFetchResponse>
{
    public static ApiKey ApiKey => ApiKey.OffsetFetch;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<OffsetFetchResponseTopic> Topics { get; init; } = [];

    public static OffsetFetchResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetFetch, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new OffsetFetchResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var topics = new OffsetFetchResponseTopic[reader.ReadArrayCount(OffsetFetchResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = OffsetFetchResponseTopic.Read(ref reader, version);
        }

        return new OffsetFetchResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetFetch, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
