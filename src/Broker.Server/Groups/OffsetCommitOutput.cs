namespace Broker.Server.Groups;

/// <summary>The outcome per partition, in request order. A request-level refusal gives every partition its code.</summary>
public sealed record OffsetCommitOutput(IReadOnlyList<PartitionResult> Partitions);
