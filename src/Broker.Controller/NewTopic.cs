namespace Broker.Controller;

/// <summary>A topic to create. -1 for partitions or replication factor takes the broker's default.</summary>
public sealed record NewTopic(string Name, int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string>? Configs = null);
