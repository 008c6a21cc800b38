using Broker.Core;

namespace Broker.Client.Producing;

/// <summary>
/// A partition's batches in the producer: the one being filled, the sealed ones waiting to be sent (oldest first),
/// the requests in flight (<see cref="InFlight"/>), and the requests decided but not yet reported
/// (<see cref="Settled"/>). All fields are guarded by <see cref="Lock"/>, held only for short, synchronous steps.
/// </summary>
/// <remarks>
/// Ordering: up to MaxInFlightRequestsPerPartition requests go out back to back; when one fails, nothing new is sent
/// until the failed ones are resent, oldest first (see <see cref="PartitionInFlight"/>). Outcomes are reported in
/// order by one delivering thread at a time (<see cref="Delivering"/>). Different partitions are independent.
/// </remarks>
internal sealed class PartitionQueue(TopicPartition partition)
{
    public Lock Lock { get; } = new();

    public TopicPartition Partition { get; } = partition;

    public ProducerBatch? Open { get; set; }

    /// <summary>True when the last batch here was sealed for being full, and since then no batch has opened and the
    /// partition has not been chosen as sticky again: a keyless record that read this partition as sticky just before
    /// another thread moved on goes to the next one too.</summary>
    public bool FilledUp { get; set; }

    public Queue<ProducerBatch> Sealed { get; } = new();

    public PartitionInFlight InFlight { get; } = new();

    /// <summary>Requests decided, waiting for their records' outcomes to be reported, in order.</summary>
    public Queue<DrainedPartition> Settled { get; } = new();

    /// <summary>True when the sender left records here because the partition could not send (its in-flight window was
    /// full, or it was retrying): an answer for the partition then wakes the sender, and only then.</summary>
    public bool WaitingToSend { get; set; }

    /// <summary>True while a thread reports <see cref="Settled"/> requests.</summary>
    public bool Delivering { get; set; }

    public bool IsEmpty => Open is null && Sealed.Count == 0 && InFlight.Count == 0 && Settled.Count == 0;
}
