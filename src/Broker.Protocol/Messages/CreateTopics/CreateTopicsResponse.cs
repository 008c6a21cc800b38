using Broker.Core.Errors;

namespace Broker.Protocol.Messages.CreateTopics;

/// <summary>CreateTopics v0 response: error_code int16 | throttle_time_ms int32 | topics [CreateTopicsResponseTopic].</summary>
public sealed class CreateTopicsResponse : IResponseMessage<CreateTopicsResponse>
{
    public static ApiKey ApiKey => ApiKey.CreateTopics;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<CreateTopicsResponseTopic> Topics { get; init; } = [];

    public static CreateTopicsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.CreateTopics, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new CreateTopicsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var topics = new CreateTopicsResponseTopic[reader.ReadArrayCount(CreateTopicsResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = CreateTopicsResponseTopic.Read(ref reader, version);
        }

        return new CreateTopicsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.CreateTopics, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
