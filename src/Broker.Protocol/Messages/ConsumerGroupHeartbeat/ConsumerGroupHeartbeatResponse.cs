using Broker.Core.Errors;

namespace Broker.Protocol.Messages.ConsumerGroupHeartbeat;

/// <summary>
/// ConsumerGroupHeartbeat v0 response: error_code int16 | throttle_time_ms int32 | error_message string (nullable) |
/// member_id string (nullable) | member_epoch int32 | heartbeat_interval_ms int32 |
/// assignment [TopicPartitions] (nullable). An assignment of null leaves the member's target as it was; an empty
/// one means "own nothing".
/// </summary>
public sealed class ConsumerGroupHeartbeatResponse : IResponseMessage<ConsumerGroupHeartbeatResponse>
{
    public static ApiKey ApiKey => ApiKey.ConsumerGroupHeartbeat;

    /// <summary>
    /// UNKNOWN_MEMBER_ID or FENCED_MEMBER_EPOCH: rejoin with epoch 0, giving up every partition first.
    /// NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE: find the coordinator again. UNSUPPORTED_ASSIGNOR,
    /// INVALID_REQUEST, UNRELEASED_INSTANCE_ID, GROUP_MAX_SIZE_REACHED: fatal to the member.
    /// </summary>
    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The member's id, assigned by the coordinator on a join; null with an error.</summary>
    public string? MemberId { get; init; }

    /// <summary>The member's epoch to send on its next heartbeat.</summary>
    public int MemberEpoch { get; init; }

    /// <summary>When to send the next heartbeat, in milliseconds.</summary>
    public int HeartbeatIntervalMs { get; init; }

    /// <summary>The partitions the member should own now; null if unchanged since the last response.</summary>
    public IReadOnlyList<TopicPartitions>? Assignment { get; init; }

    public static ConsumerGroupHeartbeatResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ConsumerGroupHeartbeat, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new ConsumerGroupHeartbeatResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        return new ConsumerGroupHeartbeatResponse
        {
            ErrorCode = preamble.ErrorCode,
            ThrottleTimeMs = preamble.ThrottleTimeMs,
            ErrorMessage = reader.ReadNullableString(),
            MemberId = reader.ReadNullableString(),
            MemberEpoch = reader.ReadInt32(),
            HeartbeatIntervalMs = reader.ReadInt32(),
            Assignment = TopicPartitions.ReadNullableArray(ref reader),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ConsumerGroupHeartbeat, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteString(ErrorMessage);
        writer.WriteString(MemberId);
        writer.WriteInt32(MemberEpoch);
        writer.WriteInt32(HeartbeatIntervalMs);
        TopicPartitions.WriteArray(ref writer, Assignment);
    }
}
