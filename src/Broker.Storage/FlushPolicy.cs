namespace Broker.Storage;

/// <summary>When appended bytes are forced to disk before an append is acknowledged. Named per topic.</summary>
public enum FlushPolicy
{
    /// <summary>Kafka's default: acknowledge once the bytes are in the page cache (and, with replication, on the
    /// in-sync replicas); fsync in the background every <see cref="LogConfig.FlushIntervalMs"/> and on close.</summary>
    Replication = 0,

    /// <summary>fsync before acknowledging. Concurrent appenders share one fsync (group commit).</summary>
    Always = 1,
}
