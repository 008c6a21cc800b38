using Broker.Core;

namespace Broker.Cli.Groups;

/// <summary>One line of a reset-offsets plan: the partition, the group's committed offset now (null: none), and the new one.</summary>
internal sealed record OffsetResetEntry(TopicPartition Partition, long? Current, long New);
