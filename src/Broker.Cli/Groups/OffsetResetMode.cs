namespace Broker.Cli.Groups;

/// <summary>Where <c>group reset-offsets</c> moves a group's committed offsets (kafka-consumer-groups.sh's --to-* and --shift-by).</summary>
internal enum OffsetResetMode
{
    /// <summary>The log start offset.</summary>
    Earliest = 0,

    /// <summary>The log end (high watermark): nothing left to read.</summary>
    Latest = 1,

    /// <summary>The first record at or after a time (ms since the Unix epoch); the end when none is that new.</summary>
    Datetime = 2,

    /// <summary>A given offset.</summary>
    Offset = 3,

    /// <summary>The committed offset plus a (possibly negative) amount.</summary>
    ShiftBy = 4,
}
