using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>The outcome for one partition of a request.</summary>
public readonly record struct PartitionResult(TopicPartition Partition, ErrorCode Error);
