using Broker.Core;

namespace Broker.Client;

/// <summary>
/// Told when a subscribed <see cref="Consumer"/>'s partitions change (Kafka's ConsumerRebalanceListener). Every
/// method runs on the thread that calls the consumer's consume methods, inside that call, before any record of the
/// new assignment is returned: after <see cref="OnPartitionsRevokedAsync"/> returns, the application is handed no
/// record of those partitions. The consumer's other methods (CommitAsync, Seek, Position) may be called from inside.
/// An exception thrown here is rethrown from the consume call once the consumer has finished the change.
/// </summary>
public interface IConsumerRebalanceListener
{
    /// <summary>
    /// New partitions, before their first record is handed out. Each starts from its committed offset (else
    /// <see cref="ConsumerOptions.AutoOffsetReset"/>) unless the application seeks here.
    /// </summary>
    ValueTask OnPartitionsAssignedAsync(IReadOnlyList<TopicPartition> partitions);

    /// <summary>
    /// Partitions being handed to another member. Fetching has stopped and, with auto-commit, their positions are
    /// already committed; a manual committer commits here. The coordinator moves them once this returns.
    /// </summary>
    ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartition> partitions);

    /// <summary>
    /// Partitions this member lost without handing them over (it was fenced, or the group failed): another member
    /// may own them already, so nothing is committed and a commit here fails. Defaults to
    /// <see cref="OnPartitionsRevokedAsync"/>, as in Kafka.
    /// </summary>
    ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartition> partitions) => OnPartitionsRevokedAsync(partitions);
}
