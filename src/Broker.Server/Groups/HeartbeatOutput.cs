using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>
/// The answer to a heartbeat. <see cref="Assignment"/> is the full set of partitions the member may own now, or
/// null when it has not changed since the last answer (and the request was not a join or a full request).
/// On an error the member id and epoch are echoed back from the request.
/// </summary>
public sealed record HeartbeatOutput(
    ErrorCode Error,
    string? ErrorMessage,
    string MemberId,
    int MemberEpoch,
    int HeartbeatIntervalMs,
    TopicPartitionSet? Assignment)
{
    public static HeartbeatOutput Failure(HeartbeatInput input, ErrorCode error, string message, int heartbeatIntervalMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new HeartbeatOutput(error, message, input.MemberId, input.MemberEpoch, heartbeatIntervalMs, null);
    }
}
