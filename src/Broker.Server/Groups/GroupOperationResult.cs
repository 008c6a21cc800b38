namespace Broker.Server.Groups;

/// <summary>
/// What a coordinator operation returns: the answer for the caller, and the records it wrote to the shard's state.
/// The caller appends <see cref="Records"/> to the shard's <c>__consumer_offsets</c> partition as one batch and
/// sends <see cref="Response"/> only once that batch is committed. If the append fails, the shard's state is ahead
/// of the log: the caller must discard the shard and load it again from the partition.
/// </summary>
public sealed record GroupOperationResult<TResponse>(TResponse Response, IReadOnlyList<GroupRecord> Records);
