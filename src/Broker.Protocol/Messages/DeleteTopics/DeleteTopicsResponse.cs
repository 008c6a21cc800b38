using Broker.Core.Errors;

namespace Broker.Protocol.Messages.DeleteTopics;

/// <summary>DeleteTopics v0 response: error_code int16 | throttle_time_ms int32 | topics [TopicResult].</summary>
public sealed class DeleteTopicsResponse : IResponseMessage<DeleteTopicsResponse>
{
    public static ApiKey ApiKey => ApiKey.DeleteTopics;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<TopicResult> Topics { get; init; } = [];

    public static DeleteTopicsResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteTopics, version);
        var preamble = ResponsePreamble.Read(ref reader);
        var topics = preamble.IsErrorOnly(reader) ? [] : TopicResult.ReadArray(ref reader);
        return new DeleteTopicsResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.DeleteTopics, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        TopicResult.WriteArray(ref writer, Topics);
    }
}
