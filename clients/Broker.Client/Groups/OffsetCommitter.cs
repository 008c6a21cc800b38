using Broker.Client.Consuming;
using Broker.Client.Internal;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol.Messages.OffsetCommit;
using Broker.Protocol.Messages.OffsetFetch;

namespace Broker.Client.Groups;

/// <summary>
/// A consumer's offset commits and committed-offset lookups. Every commit is one OffsetCommit request for all its
/// partitions, sent as the member the consumer is at that moment (id and current epoch), and commits run one at a time
/// so a slow one cannot land after a later one and move an offset back. A member commits only partitions it owns:
/// the set is taken again before every attempt, so a retry after STALE_MEMBER_EPOCH (the epoch moved: a heartbeat
/// brings the new one) leaves out a partition given up meanwhile.
/// </summary>
internal sealed class OffsetCommitter(ConsumerOptions options, SubscriptionState subscription, GroupCoordinatorLocator locator, ConsumerGroup group)
{
    private readonly string _groupId = options.GroupId!;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Commits the current positions of the owned partitions (only those in <paramref name="only"/> when given).</summary>
    /// <returns>False when there was nothing to commit as a member (not joined yet).</returns>
    public Task<bool> CommitPositionsAsync(IReadOnlyCollection<TopicPartition>? only, TimeSpan timeout, CancellationToken cancellationToken) =>
        CommitAsync(
            () => subscription.All
                .Where(s => s.Position >= 0 && (only is null || only.Contains(s.Partition)))
                .ToDictionary(s => s.Partition, s => new OffsetAndMetadata(s.Position)),
            timeout,
            cancellationToken);

    /// <summary>Commits the given offsets; each partition must be owned now, and one given up before the commit went through fails it.</summary>
    public async Task CommitOffsetsAsync(IReadOnlyDictionary<TopicPartition, OffsetAndMetadata> offsets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (subscription.Lock)
        {
            foreach (var (partition, offset) in offsets)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(offset.Offset, $"offset of {partition}");
                if (subscription.Find(partition) is null)
                {
                    throw new InvalidOperationException($"{partition} is not assigned to this consumer; it can commit only its own partitions.");
                }
            }
        }

        var committed = new HashSet<TopicPartition>();
        var joined = await CommitAsync(
            () =>
            {
                var owned = offsets.Where(o => subscription.Find(o.Key) is not null).ToDictionary();
                committed = [.. owned.Keys];
                return owned;
            },
            timeout,
            cancellationToken).ConfigureAwait(false);
        var missed = offsets.Keys.Where(p => !joined || !committed.Contains(p)).ToList();
        if (missed.Count > 0)
        {
            throw new BrokerException(ErrorCode.StaleMemberEpoch,
                $"Group '{_groupId}': {string.Join(", ", missed)} left this member before the commit went through; they were not committed.");
        }
    }

    /// <summary>The group's committed offsets of <paramref name="partitions"/>; null for one with none.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata?>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var asked = partitions.ToList();
        var response = await locator.SendAsync<OffsetFetchRequest, OffsetFetchResponse>(
            _groupId, GroupWire.FetchRequest(_groupId, MemberIdentity.None, asked), static r => r.ErrorCode, options.DefaultApiTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (response.ErrorCode != ErrorCode.None)
        {
            throw ClientErrors.Describe(response.ErrorCode, null, $"Reading the committed offsets of group '{_groupId}'");
        }

        var outcomes = GroupWire.FetchOutcomes(response, asked);
        ThrowIfAnyFailed("Reading the committed offsets", outcomes.Select(o => (o.Key, o.Value.Error)));
        return outcomes.ToDictionary(o => o.Key, o => o.Value.Committed);
    }

    /// <summary>Commits on <see cref="ConsumerOptions.AutoCommitInterval"/> until stopped. A failure waits for the next tick, as in Kafka.</summary>
    public async Task AutoCommitAsync(TimeProvider time, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.AutoCommitInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await CommitPositionsAsync(null, options.DefaultApiTimeout, stop).ConfigureAwait(false);
                }
                catch (BrokerException)
                {
                    // Retried with fresh positions at the next tick; a commit on revoke or close does not wait for it.
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closing.
        }
    }

    /// <param name="offsetsLocked">The offsets to commit now, read under the subscription lock before each attempt.</param>
    /// <returns>False when the consumer is a member that has not joined yet, so nothing was sent.</returns>
    private async Task<bool> CommitAsync(Func<Dictionary<TopicPartition, OffsetAndMetadata>> offsetsLocked, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _oneAtATime.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(timeout, e);
        }

        try
        {
            while (true)
            {
                Dictionary<TopicPartition, OffsetAndMetadata> offsets;
                MemberIdentity? member;
                lock (subscription.Lock)
                {
                    member = group.CommitIdentityLocked();
                    offsets = member is null ? [] : offsetsLocked();
                }

                if (member is not { } identity)
                {
                    return false;
                }

                if (offsets.Count == 0)
                {
                    return true;
                }

                var response = await locator.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(
                    _groupId, GroupWire.CommitRequest(_groupId, identity, offsets), static r => r.ErrorCode, timeout, deadline.Token).ConfigureAwait(false);
                if (response.ErrorCode == ErrorCode.StaleMemberEpoch)
                {
                    await group.AwaitHeartbeatAsync(deadline.Token).ConfigureAwait(false);
                    continue;
                }

                if (response.ErrorCode != ErrorCode.None)
                {
                    throw ClientErrors.Describe(response.ErrorCode, null, $"Committing offsets of group '{_groupId}' as member '{identity.MemberId}' (epoch {identity.MemberEpoch})");
                }

                ThrowIfAnyFailed("Committing offsets", GroupWire.CommitOutcomes(response, offsets.Keys));
                return true;
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(timeout, e);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private BrokerException TimedOut(TimeSpan timeout, Exception cause) =>
        new(ErrorCode.RequestTimedOut, $"Committing offsets of group '{_groupId}' did not finish within {timeout}.", cause);

    private void ThrowIfAnyFailed(string what, IEnumerable<(TopicPartition Partition, ErrorCode Error)> outcomes)
    {
        var failed = outcomes.Where(o => o.Error != ErrorCode.None).ToList();
        if (failed.Count > 0)
        {
            throw new BrokerException(failed[0].Error,
                $"{what} of group '{_groupId}' failed for " + string.Join("; ", failed.Select(f => $"{f.Partition}: {ErrorCodes.Name(f.Error)}")));
        }
    }
}
