using Broker.Core.Records;

namespace Broker.Client.Producing;

/// <summary>
/// A partition's batches taken for one produce request, oldest first, and their total size on the wire; then the
/// request's life in the partition's <see cref="PartitionInFlight"/> window: its state, its last outcome, and whether
/// it went out with no earlier request of the partition unanswered (which is what lets the producer read a sequence
/// error as the broker's view rather than as a consequence of an earlier failure). Guarded by the queue's lock.
/// </summary>
internal sealed class DrainedPartition(PartitionQueue queue, ProducerBatch[] batches, int bytes)
{
    public PartitionQueue Queue { get; } = queue;

    public ProducerBatch[] Batches { get; } = batches;

    public int Bytes { get; } = bytes;

    public RequestState State { get; set; } = RequestState.OnWire;

    public PartitionOutcome Outcome { get; set; }

    /// <summary>True when no earlier request of the partition was unanswered when this one was sent.</summary>
    public bool SentAsHead { get; set; }

    /// <summary>True once the batches carry sequence numbers (idempotent producer).</summary>
    public bool IsSequenced => Batches[0].BaseSequence >= 0;

    /// <summary>The sequence after the request's last record.</summary>
    public int NextSequence
    {
        get
        {
            var last = Batches[^1];
            return ProducerSequence.Add(last.BaseSequence, last.RecordCount);
        }
    }
}
