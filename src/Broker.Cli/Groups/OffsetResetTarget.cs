using Broker.Core;

namespace Broker.Cli.Groups;

/// <summary>
/// A reset-offsets mode with its value (the time in ms since the Unix epoch, the offset, or the shift), and the rule
/// that turns it into a partition's new offset. Every new offset lies in the partition's [log start, log end], as
/// kafka-consumer-groups.sh clamps them.
/// </summary>
internal readonly record struct OffsetResetTarget(OffsetResetMode Mode, long Value = 0)
{
    /// <param name="partition">For the error message.</param>
    /// <param name="committed">The group's committed offset, null when it has none.</param>
    /// <param name="range">The partition's log start and end.</param>
    /// <param name="offsetForTime">For <see cref="OffsetResetMode.Datetime"/>: ListOffsets' answer for the time, -1 when no record is that new.</param>
    public long NewOffset(TopicPartition partition, long? committed, LogRange range, long offsetForTime = -1) => Mode switch
    {
        OffsetResetMode.Earliest => range.Start,
        OffsetResetMode.Latest => range.End,
        OffsetResetMode.Datetime => offsetForTime < 0 ? range.End : range.Clamp(offsetForTime),
        OffsetResetMode.Offset => range.Clamp(Value),
        OffsetResetMode.ShiftBy => committed is long current
            ? range.Clamp(SaturatingAdd(current, Value))
            : throw new CliException($"cannot shift the offset of {partition}: the group has no committed offset there (use --to-earliest, --to-latest, --to-datetime or --to-offset)"),
        _ => throw new InvalidOperationException($"Unknown reset mode {Mode}."),
    };

    /// <summary>--shift-by takes any long, so the sum must not wrap around before it is clamped.</summary>
    private static long SaturatingAdd(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b < 0 ? long.MinValue : long.MaxValue) : sum;
    }
}
