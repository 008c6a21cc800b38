namespace Broker.Core.Errors;

/// <summary>Facts about <see cref="ErrorCode"/> values.</summary>
public static class ErrorCodes
{
    /// <summary>
    /// True when the same request may succeed if sent again later (leadership moved, a replica caught up, a
    /// timeout). Clients retry only these; every other error is returned to the application.
    /// </summary>
    public static bool IsRetriable(ErrorCode code) => code switch
    {
        ErrorCode.CorruptMessage => true, // Kafka retries it: the bytes may have been damaged in transit.
        ErrorCode.UnknownTopicOrPartition => true, // metadata may not have propagated yet
        ErrorCode.LeaderNotAvailable => true,
        ErrorCode.NotLeaderOrFollower => true,
        ErrorCode.RequestTimedOut => true,
        ErrorCode.NotEnoughReplicas => true,
        ErrorCode.NotEnoughReplicasAfterAppend => true,
        ErrorCode.StorageError => true,
        _ => false,
    };
}
