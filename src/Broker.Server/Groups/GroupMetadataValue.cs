namespace Broker.Server.Groups;

/// <summary>
/// A group's epoch and the partition counts (topics in ordinal order) of the topics its members subscribe to,
/// as of that epoch. The counts are what the target assignment is computed from; a heartbeat that sees different
/// counts in the metadata image bumps the epoch, so new partitions get assigned.
/// </summary>
public sealed record GroupMetadataValue(int Epoch, IReadOnlyList<TopicPartitionCount> PartitionCounts) : GroupRecordValue
{
    public override GroupRecordType Type => GroupRecordType.GroupMetadata;

    /// <summary>The partition count of a topic as of this epoch; 0 if the topic was unknown or not subscribed.</summary>
    public int PartitionCountOf(string topic)
    {
        foreach (var count in PartitionCounts)
        {
            if (count.Topic == topic)
            {
                return count.PartitionCount;
            }
        }

        return 0;
    }

    public bool SameCounts(IReadOnlyList<TopicPartitionCount> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return PartitionCounts.SequenceEqual(other);
    }
}
