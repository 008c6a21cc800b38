using System.Collections.Immutable;

namespace Broker.Controller.Metadata;

/// <summary>
/// A partition's replica assignment and leadership. <see cref="LeaderEpoch"/> rises with every leader change;
/// <see cref="PartitionEpoch"/> with every change of any kind, so a stale ISR update can be refused.
/// </summary>
public sealed record PartitionRegistration(int PartitionIndex, ImmutableArray<int> Replicas, ImmutableArray<int> Isr, int Leader, int LeaderEpoch, int PartitionEpoch)
{
    /// <summary>Leader id when no replica can lead (all fenced): Kafka's -1.</summary>
    public const int NoLeader = -1;
}
