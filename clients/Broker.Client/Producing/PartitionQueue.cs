using Broker.Core;

namespace Broker.Client.Producing;

/// <summary>
/// A partition's batches in the producer: the one being filled, the sealed ones waiting to be sent (oldest first),
/// and the ones in flight. All fields are guarded by <see cref="Lock"/>, held only for short, synchronous steps.
/// </summary>
/// <remarks>
/// Ordering: while <see cref="InFlight"/> is set (a request, and its retries, owns the head of the queue) nothing
/// else of this partition is sent, so a retried batch can never land behind a later one. Different partitions'
/// batches are pipelined freely.
/// </remarks>
internal sealed class PartitionQueue(TopicPartition partition)
{
    public Lock Lock { get; } = new();

    public TopicPartition Partition { get; } = partition;

    public ProducerBatch? Open { get; set; }

    public Queue<ProducerBatch> Sealed { get; } = new();

    /// <summary>The batches of the request (or retry) in flight; null when none.</summary>
    public ProducerBatch[]? InFlightBatches { get; set; }

    public bool InFlight => InFlightBatches is not null;

    public bool IsEmpty => Open is null && Sealed.Count == 0 && !InFlight;
}
