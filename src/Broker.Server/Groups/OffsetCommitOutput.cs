using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>
/// The outcome per partition, in request order. <see cref="Error"/> is a refusal of the whole request (unknown group
/// or member, stale epoch): nothing was committed, and every partition carries the same code.
/// </summary>
public sealed record OffsetCommitOutput(IReadOnlyList<PartitionResult> Partitions, ErrorCode Error = ErrorCode.None);
