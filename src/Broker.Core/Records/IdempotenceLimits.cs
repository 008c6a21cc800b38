namespace Broker.Core.Records;

/// <summary>
/// The numbers the idempotent producer and the broker must agree on, in one place (a test checks how they relate).
/// </summary>
public static class IdempotenceLimits
{
    /// <summary>Requests an idempotent producer may have in flight per partition (Kafka's limit, 5). Every one of
    /// them may come back as a retry, so the broker must remember at least this many appends per producer.</summary>
    public const int InFlightRequestsPerPartitionMax = 5;

    /// <summary>Appends the broker remembers per producer and partition to recognise a retried one (Kafka: the last 5
    /// batches). At least <see cref="InFlightRequestsPerPartitionMax"/>, or a retry of the oldest request in flight
    /// could no longer be told from a gap.</summary>
    public const int AppendsRetainedPerProducer = 5;
}
