using Broker.Core.Errors;

namespace Broker.Client.Admin;

/// <summary>
/// One partition's placement: its leader (-1 when none), the leader epoch, every assigned replica (preferred leader
/// first), the in-sync replicas (ISR) and the replicas that are offline.
/// </summary>
public sealed record PartitionDescription(
    int Partition,
    int Leader,
    int LeaderEpoch,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr,
    IReadOnlyList<int> OfflineReplicas,
    ErrorCode Error = ErrorCode.None)
{
    public bool HasLeader => Leader >= 0;
}
