using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>A partition's committed offset; -1 (and leader epoch -1, no metadata) when none is committed.</summary>
public sealed record FetchedOffset(TopicPartition Partition, long Offset, int LeaderEpoch, string? Metadata)
{
    public static FetchedOffset None(TopicPartition partition) => new(partition, -1, -1, null);
}
