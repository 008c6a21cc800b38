using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// What the broker remembers of one append of an idempotent producer: the sequences it carried and the offsets it
/// got. Offsets and sequences advance together (one record, one of each), so any sequence inside the range maps to
/// an offset: <c>BaseOffset + (sequence - FirstSequence)</c>. An append is one produce request's batches for the
/// partition, or, when rebuilt from the log, a run of the producer's batches that follow each other in both.
/// </summary>
internal readonly record struct ProducerAppend(int FirstSequence, int LastSequence, long BaseOffset, long LastOffset, long TimestampMs)
{
    /// <summary>Records (and sequences, and offsets) the append covers.</summary>
    public long RecordCount => ProducerSequence.Distance(FirstSequence, LastSequence) + 1;

    /// <summary>True when <paramref name="next"/> continues this append in sequence and offset, so the two can be
    /// remembered as one.</summary>
    public bool IsFollowedBy(in ProducerAppend next) =>
        LastOffset + 1 == next.BaseOffset && ProducerSequence.Add(LastSequence, 1) == next.FirstSequence;

    public ProducerAppend ExtendedBy(in ProducerAppend next) =>
        new(FirstSequence, next.LastSequence, BaseOffset, next.LastOffset, Math.Max(TimestampMs, next.TimestampMs));
}
