using System.Runtime.ExceptionServices;
using Broker.Client.Groups;
using Broker.Core;

namespace Broker.Client;

/// <summary>The consumer-group part of <see cref="Consumer"/>: subscribing, committing, reading committed offsets.</summary>
public sealed partial class Consumer
{
    /// <summary>The topics subscribed to; empty when not subscribed.</summary>
    public IReadOnlyList<string> Subscription => _group?.Subscription ?? [];

    /// <summary>The member id the group's coordinator gave this consumer; null before it has joined.</summary>
    public string? MemberId => _group?.MemberId;

    /// <summary>
    /// Joins the group (<see cref="ConsumerOptions.GroupId"/>) and reads the partitions of <paramref name="topics"/>
    /// that its coordinator assigns to this member; calling it again replaces the subscription. Joining happens in the
    /// background. Assignment changes are applied inside the consume methods, on the calling thread, where
    /// <paramref name="listener"/> is told of them. New partitions start from the group's committed offset, else
    /// where <see cref="ConsumerOptions.AutoOffsetReset"/> says.
    /// </summary>
    /// <exception cref="InvalidOperationException">No group id; partitions were given to <see cref="Assign"/> (call
    /// Unassign first); or the membership failed (call <see cref="UnsubscribeAsync"/> first).</exception>
    public void Subscribe(IEnumerable<string> topics, IConsumerRebalanceListener? listener = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var group = _group ?? throw new InvalidOperationException("Subscribe needs ConsumerOptions.GroupId: a subscription is a consumer group's.");
        if (_assignedByApplication)
        {
            throw new InvalidOperationException("This consumer reads partitions given to Assign; Assign and Subscribe are exclusive. Call Unassign first.");
        }

        var list = topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Subscribe to at least one topic; to stop, call UnsubscribeAsync.", nameof(topics));
        }

        foreach (var topic in list)
        {
            TopicPartition.ValidateTopicName(topic);
        }

        group.Subscribe(list, listener);
    }

    /// <summary>
    /// Leaves the group: with auto-commit, commits the positions of the owned partitions; tells the listener they
    /// are revoked; then leaves (epoch -1) so the coordinator reassigns them at once. Bounded by
    /// <see cref="ConsumerOptions.DefaultApiTimeout"/>. Does nothing when not subscribed.
    /// </summary>
    public async Task UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_group is { IsSubscribed: true } group)
        {
            var listenerError = await group.UnsubscribeAsync(cancellationToken).ConfigureAwait(false);
            if (listenerError is not null)
            {
                ExceptionDispatchInfo.Throw(listenerError);
            }
        }
    }

    /// <summary>
    /// Commits the position of every owned partition (the next offset the application would get) in one request, and
    /// waits for the coordinator to store it.
    /// </summary>
    /// <exception cref="BrokerException">The commit was refused (fenced member: UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH;
    /// a partition's error) or did not finish within <see cref="ConsumerOptions.DefaultApiTimeout"/>.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        var group = RequireGroup();
        await group.Offsets.CommitPositionsAsync(null, _options.DefaultApiTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits these offsets (each the next offset to consume, Kafka's convention) in one request. Every partition
    /// must be assigned to this consumer; one the group takes away before the commit goes through is not committed,
    /// and the call fails naming it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A partition is not assigned to this consumer.</exception>
    public async Task CommitAsync(IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> offsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var group = RequireGroup();
        await group.Offsets.CommitOffsetsAsync(offsets, _options.DefaultApiTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's committed offsets of <paramref name="partitions"/>; null for a partition with none.</summary>
    public Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata?>> CommittedAsync(
        IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        return RequireGroup().Offsets.CommittedAsync(partitions, cancellationToken);
    }

    private ConsumerGroup RequireGroup()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _group ?? throw new InvalidOperationException("Committed offsets belong to a group: set ConsumerOptions.GroupId.");
    }
}
