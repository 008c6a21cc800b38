namespace Broker.Server.Groups;

/// <summary>How many partitions a subscribed topic had when the group epoch was last bumped.</summary>
public readonly record struct TopicPartitionCount(string Topic, int PartitionCount);
