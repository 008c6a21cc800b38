using Broker.Core;

namespace Broker.Cli.Groups;

/// <summary>
/// How far a group is behind on one partition. <see cref="Committed"/> is null when the group has no committed offset
/// there; then <see cref="Lag"/> counts from the log start (what the group would read from the beginning). Range and
/// lag are null when the partition's offsets could not be read (no leader, or the topic is gone).
/// </summary>
internal sealed record PartitionLag(TopicPartition Partition, long? Committed, LogRange? Range, string? Owner)
{
    /// <summary>End minus committed (Kafka's definition), or end minus start without a commit.</summary>
    public long? Lag => Range is { } range ? range.End - (Committed ?? range.Start) : null;
}
