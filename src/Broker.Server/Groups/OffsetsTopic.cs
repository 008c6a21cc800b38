namespace Broker.Server.Groups;

/// <summary>The internal topic that holds group state and committed offsets, and which partition holds which group.</summary>
public static class OffsetsTopic
{
    public const string Name = "__consumer_offsets";

    /// <summary>
    /// The partition of <see cref="Name"/> that holds <paramref name="groupId"/>: its coordinator is that
    /// partition's leader. Kafka's function (Java's String.hashCode, sign bit masked, modulo the partition count), so
    /// the mapping is stable across processes and versions, and matches what Kafka operators expect.
    /// </summary>
    public static int PartitionFor(string groupId, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        var hash = 0;
        foreach (var c in groupId)
        {
            hash = unchecked((31 * hash) + c);
        }

        return (hash & 0x7fffffff) % partitionCount;
    }
}
