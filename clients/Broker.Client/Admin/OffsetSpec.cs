using Broker.Protocol;

namespace Broker.Client.Admin;

/// <summary>Which offset ListOffsets looks up: the log start, the end (high watermark), or the first at or after a time.</summary>
public readonly record struct OffsetSpec(long Timestamp)
{
    public static OffsetSpec Earliest => new(ProtocolSentinels.EarliestTimestamp);

    public static OffsetSpec Latest => new(ProtocolSentinels.LatestTimestamp);

    /// <summary>The first record whose timestamp is at or after <paramref name="timestampMs"/> (ms since the Unix epoch).</summary>
    public static OffsetSpec ForTimestamp(long timestampMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMs);
        return new OffsetSpec(timestampMs);
    }
}
