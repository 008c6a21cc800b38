using Broker.Core.Errors;

namespace Broker.Protocol.Messages.FindCoordinator;

/// <summary>
/// FindCoordinator v0 response: error_code int16 | throttle_time_ms int32 | error_message string (nullable) |
/// node_id int32 | host string | port int32. On an error (COORDINATOR_NOT_AVAILABLE while __consumer_offsets has no
/// leader for the group's partition, INVALID_REQUEST for an unknown key_type) node_id and port are -1 and host empty.
/// </summary>
public sealed class FindCoordinatorResponse : IResponseMessage<FindCoordinatorResponse>
{
    public static ApiKey ApiKey => ApiKey.FindCoordinator;

    public ErrorCode ErrorCode { get; init; }

    public int ThrottleTimeMs { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The coordinator's node id; <see cref="ProtocolSentinels.NoNodeId"/> on an error.</summary>
    public int NodeId { get; init; } = ProtocolSentinels.NoNodeId;

    /// <summary>The coordinator's client listener host, as in Metadata's broker list.</summary>
    public string Host { get; init; } = "";

    /// <summary>The coordinator's client listener port; <see cref="ProtocolSentinels.NoPort"/> on an error.</summary>
    public int Port { get; init; } = ProtocolSentinels.NoPort;

    public static FindCoordinatorResponse Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.FindCoordinator, version);
        var preamble = ResponsePreamble.Read(ref reader);
        if (preamble.IsErrorOnly(reader))
        {
            return new FindCoordinatorResponse { ErrorCode = preamble.ErrorCode, ThrottleTimeMs = preamble.ThrottleTimeMs };
        }

        return new FindCoordinatorResponse
        {
            ErrorCode = preamble.ErrorCode,
            ThrottleTimeMs = preamble.ThrottleTimeMs,
            ErrorMessage = reader.ReadNullableString(),
            NodeId = reader.ReadInt32(),
            Host = reader.ReadString(),
            Port = reader.ReadInt32(),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.FindCoordinator, version);
        new ResponsePreamble(ErrorCode, ThrottleTimeMs).Write(ref writer);
        writer.WriteString(ErrorMessage);
        writer.WriteInt32(NodeId);
        writer.WriteString(Host);
        writer.WriteInt32(Port);
    }
}
