namespace Broker.Storage;

/// <summary>Where an append landed: offsets <paramref name="BaseOffset"/>..<paramref name="LastOffset"/>, and the
/// broker time stamped on the batches (-1 unless the topic uses LogAppendTime). <paramref name="IsDuplicate"/>: the
/// batches were a retry of an idempotent producer's records already in the log; nothing was appended and the offsets
/// (and append time) are those of the original append.</summary>
public readonly record struct AppendResult(long BaseOffset, long LastOffset, long LogAppendTimeMs, int RecordCount, bool IsDuplicate = false)
{
    /// <summary>The log end offset right after this append.</summary>
    public long NextOffset => LastOffset + 1;
}
