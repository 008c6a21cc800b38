using Broker.Client.Groups;
using Broker.Client.Internal;
using Broker.Client.Network;
using Broker.Core.Errors;

namespace Broker.Client.Consuming;

/// <summary>
/// Gives the new partitions of a consumer with a group id their first position: the group's committed offset (the
/// next record to consume), or, for a partition without one, the default reset, which <see cref="OffsetResetter"/>
/// then looks up. A lookup that fails retriably (coordinator moved, member epoch moving) is planned again after the
/// retry backoff; a seek meanwhile wins over the answer.
/// </summary>
internal sealed class CommittedOffsetLoader(SubscriptionState subscription, CommittedOffsetSource source, Fetcher fetcher)
{
    public async Task LoadAsync(FetchTarget[] targets, CancellationToken cancellationToken)
    {
        try
        {
            var partitions = targets.Select(t => t.State.Partition).ToList();
            var (response, coordinator) = await source.FetchOnceAsync(partitions, cancellationToken).ConfigureAwait(false);
            var outcomes = GroupWire.FetchOutcomes(response, partitions);
            lock (subscription.Lock)
            {
                foreach (var target in targets)
                {
                    var (committed, error) = outcomes[target.State.Partition];
                    Apply(target, coordinator, committed, response.ErrorCode != ErrorCode.None ? response.ErrorCode : error);
                }
            }
        }
        catch (BrokerException e) when (!e.IsRetriable)
        {
            lock (subscription.Lock)
            {
                foreach (var target in targets)
                {
                    Apply(target, default, null, e.Code, e.Message);
                }
            }
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException or ObjectDisposedException)
        {
            fetcher.BackOff(targets);
        }
        finally
        {
            fetcher.EndLookup(targets);
        }
    }

    /// <summary>
    /// Errors about the member rather than the partition (its epoch moved, it was fenced) pass once the heartbeat
    /// catches up, so they are retried like coordinator errors.
    /// </summary>
    private static bool IsTransient(ErrorCode error) =>
        ErrorCodes.IsRetriable(error) || error is ErrorCode.StaleMemberEpoch or ErrorCode.FencedMemberEpoch or ErrorCode.UnknownMemberId;

    private void Apply(FetchTarget target, BrokerEndpoint coordinator, OffsetAndMetadata? committed, ErrorCode error, string? message = null)
    {
        var state = subscription.Find(target.State.Partition);
        if (state != target.State || state.Epoch != target.Epoch || !state.NeedsCommittedOffset)
        {
            return; // sought or given up meanwhile
        }

        if (error == ErrorCode.None)
        {
            if (committed is not null)
            {
                state.SeekTo(committed.Offset);
            }
            else
            {
                state.NeedsCommittedOffset = false;
                state.PendingReset = subscription.DefaultReset;
            }
        }
        else if (IsTransient(error))
        {
            fetcher.BackOffLocked(state);
        }
        else
        {
            // As with AutoOffsetReset None: reported once, and the partition waits for the application to seek.
            state.NeedsCommittedOffset = false;
            fetcher.PublishErrorLocked(state, coordinator, message is null
                ? ClientErrors.Describe(error, null, $"Looking up the committed offset of {state.Partition}")
                : new BrokerException(error, message));
        }
    }
}
