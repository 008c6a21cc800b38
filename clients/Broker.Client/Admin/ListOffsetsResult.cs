using Broker.Core;

namespace Broker.Client.Admin;

/// <summary>An offset found by ListOffsets; Offset is -1 when no record is at or after the time asked for.</summary>
public sealed record ListOffsetsResult(TopicPartition Partition, long Offset, long TimestampMs, int LeaderEpoch);
