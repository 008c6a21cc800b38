namespace Broker.Controller;

/// <summary>
/// Chooses replicas for new partitions: round-robin over the live brokers in id order, starting at a position
/// derived from the topic name, so leaders of one topic spread across brokers and different topics start on
/// different brokers. The first replica is the preferred leader.
/// </summary>
public static class ReplicaPlacer
{
    public static int[][] Place(string topic, int firstPartition, int count, int replicationFactor, IReadOnlyList<int> liveBrokers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, liveBrokers.Count);
        var start = (int)((uint)StableHash(topic) % (uint)liveBrokers.Count);
        var placements = new int[count][];
        for (var p = 0; p < count; p++)
        {
            var replicas = new int[replicationFactor];
            for (var r = 0; r < replicationFactor; r++)
            {
                replicas[r] = liveBrokers[(start + firstPartition + p + r) % liveBrokers.Count];
            }

            placements[p] = replicas;
        }

        return placements;
    }

    /// <summary>FNV-1a over the UTF-16 code units: stable across processes, unlike string.GetHashCode.</summary>
    private static int StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
