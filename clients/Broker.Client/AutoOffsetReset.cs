namespace Broker.Client;

/// <summary>Where a consumer starts in a partition it has no position for, or whose position left the log (Kafka's auto.offset.reset).</summary>
public enum AutoOffsetReset
{
    /// <summary>The end of the log: only records produced from now on (Kafka's default).</summary>
    Latest = 0,

    /// <summary>The first record still in the log.</summary>
    Earliest = 1,

    /// <summary>No automatic choice: consuming fails with OFFSET_OUT_OF_RANGE until the application seeks.</summary>
    None = 2,
}
