using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Fetch;

/// <summary>
/// Fetch v0 response: error_code int16 | throttle_time_ms int32 | topics [FetchResponseTopic]. The server builds
/// it with <see cref="RecordSet"/>s over <see cref="IRecordSource"/>s so the records go from the log to the output
/// buffers in one copy; a client reads them back as slices of the response frame.
/// </summary>
public sealed class FetchResponse : IResponseMessage<FetchResponse>
{
    public static ApiKey ApiKey => ApiKey.Fetch;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<FetchResponseTopic> Topics { get; init; } = [];

    public static FetchResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Fetch, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new FetchResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var topics = new FetchResponseTopic[reader.ReadArrayCount(FetchResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = FetchResponseTopic.Read(ref reader, version);
        }

        return new FetchResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Fetch, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
