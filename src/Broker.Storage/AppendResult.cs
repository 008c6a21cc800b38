namespace Broker.Storage;

/// <summary>Where an append landed: offsets <paramref name="BaseOffset"/>..<paramref name="LastOffset"/>, and the
/// broker time stamped on the batches (-1 unless the topic uses LogAppendTime).</summary>
public readonly record struct AppendResult(long BaseOffset, long LastOffset, long LogAppendTimeMs, int RecordCount)
{
    /// <summary>The log end offset right after this append.</summary>
    public long NextOffset => LastOffset + 1;
}
