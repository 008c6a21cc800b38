namespace Broker.Client.Admin;

/// <summary>A topic to create. -1 for partitions or replication factor takes the broker's default.</summary>
public sealed record TopicSpecification(string Name, int NumPartitions = -1, short ReplicationFactor = -1)
{
    /// <summary>Topic-level overrides, such as retention.ms or cleanup.policy.</summary>
    public IReadOnlyDictionary<string, string?> Configs { get; init; } = new Dictionary<string, string?>();
}
