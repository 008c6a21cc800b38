using Broker.Core.Errors;

namespace Broker.Client.Admin;

/// <summary>
/// A topic and its partitions, ordered by partition index. <see cref="Error"/> is set for a topic the cluster could
/// not describe (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE while it is being created); its partitions are
/// then empty.
/// </summary>
public sealed record TopicDescription(string Name, bool IsInternal, IReadOnlyList<PartitionDescription> Partitions, ErrorCode Error = ErrorCode.None)
{
    public int PartitionCount => Partitions.Count;
}
