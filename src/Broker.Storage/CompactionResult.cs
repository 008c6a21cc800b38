namespace Broker.Storage;

/// <summary>
/// What one <see cref="PartitionLog.Compact"/> pass did. The dirty section was
/// [<see cref="FirstDirtyOffset"/>, <see cref="CleanedUpToOffset"/>): the cleaner checkpoint moved to
/// CleanedUpToOffset, which is below the end of the cleanable range when the offset map filled or the pass's byte
/// budget ran out (<see cref="Partial"/>), in which case the next pass continues there.
/// </summary>
public sealed record CompactionResult
{
    public long FirstDirtyOffset { get; init; }

    public long CleanedUpToOffset { get; init; }

    /// <summary>True when the dirty section was mapped only in part (map full or byte budget used).</summary>
    public bool Partial { get; init; }

    /// <summary>True when a truncation, retention or close changed the segments meanwhile, and the pass gave up
    /// (nothing was replaced after that point; the next pass starts again).</summary>
    public bool Aborted { get; init; }

    public int SegmentsBefore { get; init; }

    public int SegmentsAfter { get; init; }

    public long BytesRead { get; init; }

    public long BytesWritten { get; init; }

    public long RecordsKept { get; init; }

    public long RecordsRemoved { get; init; }

    public long TombstonesRemoved { get; init; }

    /// <summary>Distinct keys in the offset map.</summary>
    public int KeysMapped { get; init; }
}
