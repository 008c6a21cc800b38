namespace Broker.Storage;

/// <summary>
/// The range one compaction pass may touch, taken under the writer lock: segments [0, <see cref="CleanableCount"/>)
/// of <see cref="Segments"/>, all inactive, all ending at or below the caller's upper bound (the high watermark) and
/// older than min.compaction.lag.ms. The dirty section is [<see cref="FirstDirtyOffset"/>,
/// <see cref="CleanableEndOffset"/>); what lies before it was cleaned by an earlier pass.
/// <see cref="Truncations"/> lets the swap detect a truncation that happened meanwhile.
/// </summary>
internal sealed record CompactionPlan(LogSegments Segments, int CleanableCount, long FirstDirtyOffset, long CleanableEndOffset, int Truncations, long CleanBytes, long DirtyBytes)
{
    /// <summary>Dirty bytes over cleanable bytes (0 when there is nothing cleanable): the cleaner's priority.</summary>
    public double DirtyRatio => CleanBytes + DirtyBytes == 0 ? 0 : (double)DirtyBytes / (CleanBytes + DirtyBytes);

    /// <summary>End offset of cleanable segment <paramref name="index"/>: the next segment's base offset.</summary>
    public long EndOf(int index) => Segments[index + 1].BaseOffset;
}
