namespace Broker.Server.Replication;

/// <summary>What the metadata says of this broker's replica of a partition.</summary>
internal sealed record PartitionRole(bool IsLeader, int LeaderId, int LeaderEpoch, int IsrCount, int MinInsyncReplicas);
