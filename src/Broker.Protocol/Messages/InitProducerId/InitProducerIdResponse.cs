using Broker.Core.Errors;

namespace Broker.Protocol.Messages.InitProducerId;

/// <summary>
/// InitProducerId v0 response: error_code int16 | throttle_time_ms int32 | producer_id int64 | producer_epoch int16.
/// On an error (INVALID_REQUEST for a transactional id, COORDINATOR_NOT_AVAILABLE while the controller cannot hand
/// out a block of ids) the id and epoch are -1.
/// </summary>
public sealed class InitProducerIdResponse : IResponseMessage<InitProducerIdResponse>
{
    public static ApiKey ApiKey => ApiKey.InitProducerId;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    /// <summary>The producer id to stamp on every batch; <see cref="ProtocolSentinels.NoProducerId"/> on an error.</summary>
    public long ProducerId { get; init; } = ProtocolSentinels.NoProducerId;

    /// <summary>The epoch to start with (0 for a new id); <see cref="ProtocolSentinels.NoProducerEpoch"/> on an error.</summary>
    public short ProducerEpoch { get; init; } = ProtocolSentinels.NoProducerEpoch;

    public static InitProducerIdResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.InitProducerId, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new InitProducerIdResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        return new InitProducerIdResponse
        {
            ErrorCode = preamble.ErrorCode,
            ThrottleTimeMs = preamble.ThrottleTimeMs,
            ProducerId = reader.ReadInt64(),
            ProducerEpoch = reader.ReadInt16(),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.InitProducerId, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
    }
}
