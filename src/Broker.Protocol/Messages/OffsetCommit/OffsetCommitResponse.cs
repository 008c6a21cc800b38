using Broker.Core.Errors;

namespace Broker.Protocol.Messages.OffsetCommit;

/// <summary>
/// OffsetCommit v0 response: error_code int16 | throttle_time_ms int32 | topics [OffsetCommitResponseTopic]. An
/// error of the whole request (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_MEMBER_ID,
/// STALE_MEMBER_EPOCH, FENCED_MEMBER_EPOCH, ILLEGAL_GENERATION) is the top-level error_code with no topics, and
/// nothing was committed; otherwise each partition succeeds or fails on its own.
/// </summary>
public sealed class OffsetCommitResponse : IResponseMessage<OffsetCommitResponse>
{
    public static ApiKey ApiKey => ApiKey.OffsetCommit;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public IReadOnlyList<OffsetCommitResponseTopic> Topics { get; init; } = [];

    public static OffsetCommitResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetCommit, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new OffsetCommitResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        var topics = new OffsetCommitResponseTopic[reader.ReadArrayCount(OffsetCommitResponseTopic.EncodedBytesMin)];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = OffsetCommitResponseTopic.Read(ref reader, version);
        }

        return new OffsetCommitResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs, Topics = topics };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.OffsetCommit, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteArrayCount(Topics.Count);
        for (var i = 0; i < Topics.Count; i++)
        {
            Topics[i].Write(ref writer, version);
        }
    }
}
