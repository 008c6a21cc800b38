namespace Broker.Cli;

/// <summary>A partition's readable range: <see cref="Start"/> is the log start offset, <see cref="End"/> the high watermark (exclusive).</summary>
internal readonly record struct LogRange(long Start, long End)
{
    /// <summary><paramref name="offset"/> moved into [Start, End]: the offsets a consumer can be positioned at.</summary>
    public long Clamp(long offset) => Math.Max(Start, Math.Min(offset, End));
}
