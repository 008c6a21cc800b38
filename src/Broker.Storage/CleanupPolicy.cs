namespace Broker.Storage;

/// <summary>
/// cleanup.policy: what removes old data from a log. Kafka's values are "delete", "compact" and "compact,delete";
/// flags, so both can be set at once.
/// </summary>
[Flags]
public enum CleanupPolicy
{
    /// <summary>Retention deletes whole segments by age (retention.ms) and size (retention.bytes).</summary>
    Delete = 1,

    /// <summary>The log cleaner keeps only the last record of each key and removes tombstones after
    /// delete.retention.ms.</summary>
    Compact = 2,
}
