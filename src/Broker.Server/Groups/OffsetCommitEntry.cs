using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>One partition's offset to commit: the next offset to consume, the leader epoch of the record before it (-1 if unknown), and client metadata.</summary>
public sealed record OffsetCommitEntry(TopicPartition Partition, long Offset, int LeaderEpoch = -1, string? Metadata = null);
