namespace Broker.Storage;

/// <summary>
/// The range one compaction pass may touch, taken under the writer lock: segments [0, <see cref="CleanableCount"/>)
/// of <see cref="Segments"/>, all inactive, all ending at or below the caller's upper bound (the high watermark) and
/// older than min.compaction.lag.ms. The dirty section is [<see cref="FirstDirtyOffset"/>,
/// <see cref="CleanableEndOffset"/>); what lies before it was cleaned by an earlier pass.
/// <see cref="Truncations"/> lets the swap detect a truncation that happened meanwhile.
/// <see cref="ProducerLastOffsets"/> (producer id -> offset of its newest record, taken with the plan; empty in a plan
/// made only to measure the dirty ratio) names the batches the cleaner keeps, if need be empty, whatever their
/// records: each idempotent producer's last batch (Kafka's rule), so a rebuild of the producer state from the log
/// still finds every producer's last sequence.
/// </summary>
internal sealed record CompactionPlan(LogSegments Segments, int CleanableCount, long FirstDirtyOffset, long CleanableEndOffset, int Truncations, long CleanBytes, long DirtyBytes, IReadOnlyDictionary<long, long> ProducerLastOffsets)
{
    /// <summary>True for the newest batch of an idempotent producer.</summary>
    public bool IsProducersLastBatch(in Broker.Core.Records.RecordBatchHeader header) =>
        header.ProducerId >= 0 && ProducerLastOffsets.TryGetValue(header.ProducerId, out var last) && last == header.LastOffset;

    /// <summary>Dirty bytes over cleanable bytes (0 when there is nothing cleanable): the cleaner's priority.</summary>
    public double DirtyRatio => CleanBytes + DirtyBytes == 0 ? 0 : (double)DirtyBytes / (CleanBytes + DirtyBytes);

    /// <summary>End offset of cleanable segment <paramref name="index"/>: the next segment's base offset.</summary>
    public long EndOf(int index) => Segments[index + 1].BaseOffset;
}
