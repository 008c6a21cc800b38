using Broker.Core.Errors;

namespace Broker.Protocol.Messages.Produce;

/// <summary>
/// Produce v0 response: error_code int16 | throttle_time_ms int32 | topics [ProduceResponseTopic]. Errors are per
/// partition; the top-level error is set only when the whole request failed (then the body may end there).
/// </summary>
public sealed class ProduceResponse : IResponseMessage<ProduceResponse>
{
    public static ApiKey ApiKey => ApiKey.Produce;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<ProduceResponseTopic> Topics { get; init; } = [];

    public static ProduceResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Produce, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new ProduceResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var topics = new ProduceResponseTopic[reader.ReadArrayCount(ProduceResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = ProduceResponseTopic.Read(ref reader, version);
        }

        return new ProduceResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.Produce, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
