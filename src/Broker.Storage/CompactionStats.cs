namespace Broker.Storage;

/// <summary>Counters one compaction pass accumulates, turned into a <see cref="CompactionResult"/> at its end.</summary>
internal sealed class CompactionStats
{
    public long BytesRead { get; set; }

    public long BytesWritten { get; set; }

    public long RecordsKept { get; set; }

    public long RecordsRemoved { get; set; }

    public long TombstonesRemoved { get; set; }

    public void Add(in BatchFilterResult result)
    {
        RecordsKept += result.Kept;
        RecordsRemoved += result.Removed;
        TombstonesRemoved += result.TombstonesRemoved;
        BytesWritten += result.BytesWritten;
    }
}
