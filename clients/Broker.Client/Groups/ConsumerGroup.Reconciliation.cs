using System.Runtime.ExceptionServices;
using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Client.Groups;

/// <summary>
/// The part of <see cref="ConsumerGroup"/> that runs on the application's thread, inside a consume call: telling the
/// listener of lost partitions, and reconciling the latest assignment (give up, then take). The background raises
/// <em>attention</em> to get here: a flag the consume methods check, and a token that wakes one that is waiting.
/// </summary>
internal sealed partial class ConsumerGroup
{
    /// <summary>True when the consume methods must call <see cref="AttendAsync"/> before handing out records.</summary>
    public bool NeedsAttention => _attention || Volatile.Read(ref _fatal) is not null;

    /// <summary>Cancelled when attention is raised, so a consume call waiting for records wakes up.</summary>
    public CancellationToken AttentionToken
    {
        get
        {
            lock (_subscription.Lock)
            {
                return _attentionSource.Token;
            }
        }
    }

    /// <summary>
    /// Runs on the application's thread, inside a consume call: tells the listener about lost partitions, raises a
    /// fatal error, and reconciles the latest assignment. A listener's exception is rethrown once the change is done.
    /// </summary>
    public async ValueTask AttendAsync(CancellationToken cancellationToken)
    {
        ClearAttention();
        var error = await ReportLostAsync(rejoin: true).ConfigureAwait(false);
        if (Volatile.Read(ref _fatal) is { } fatal)
        {
            throw new BrokerException(fatal.Code, fatal.Message, fatal);
        }

        error ??= await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <param name="rejoin">Let the member rejoin once the listener has heard (not when it is about to leave).</param>
    private async ValueTask<Exception?> ReportLostAsync(bool rejoin)
    {
        List<TopicPartition> lost;
        lock (_subscription.Lock)
        {
            lost = [.. _lost];
            _lost.Clear();
        }

        var error = lost.Count == 0 ? null : await InvokeListenerAsync(l => l.OnPartitionsLostAsync(lost)).ConfigureAwait(false);
        lock (_subscription.Lock)
        {
            rejoin &= _awaitingLostCallback && _lost.Count == 0;
            _awaitingLostCallback &= !rejoin;
        }

        if (rejoin)
        {
            _heartbeats?.HeartbeatNow();
        }

        return error;
    }

    private async ValueTask<Exception?> ReconcileAsync(CancellationToken cancellationToken)
    {
        Exception? error = null;
        while (true)
        {
            List<TopicPartition> revoked, added;
            int generation;
            lock (_subscription.Lock)
            {
                if (_membership?.TakePendingAssignment() is not { } target)
                {
                    return error;
                }

                var owned = _subscription.AssignmentLocked.ToHashSet();
                revoked = [.. owned.Except(target).Order(GroupWire.PartitionOrder.Instance)];
                added = [.. target.Where(p => !owned.Contains(p))];
                generation = _generation;
                foreach (var partition in revoked)
                {
                    _subscription.Find(partition)!.Revoking = true;
                }
            }

            if (revoked.Count > 0)
            {
                error ??= await RevokeAsync(revoked, generation, cancellationToken).ConfigureAwait(false);
            }

            if (added.Count > 0)
            {
                error ??= await TakeAsync(added, generation).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<Exception?> RevokeAsync(List<TopicPartition> revoked, int generation, CancellationToken cancellationToken)
    {
        if (_options.EnableAutoCommit)
        {
            await TryCommitAsync(revoked, _options.DefaultApiTimeout, cancellationToken).ConfigureAwait(false);
        }

        var error = await InvokeListenerAsync(l => l.OnPartitionsRevokedAsync(revoked)).ConfigureAwait(false);
        lock (_subscription.Lock)
        {
            if (_generation == generation)
            {
                _subscription.RemoveLocked(revoked);
            }
        }

        // Reported at once: the coordinator hands them to their next owner only after this heartbeat.
        _heartbeats?.HeartbeatNow();
        return error;
    }

    private async ValueTask<Exception?> TakeAsync(List<TopicPartition> added, int generation)
    {
        lock (_subscription.Lock)
        {
            if (_generation != generation)
            {
                return null; // lost meanwhile: this assignment is void
            }

            _subscription.AddLocked(added);
        }

        foreach (var topic in added.Select(p => p.Topic).Distinct(StringComparer.Ordinal))
        {
            _metadata.AddTopic(topic);
        }

        _wakeFetcher();
        _heartbeats?.HeartbeatNow();
        return await InvokeListenerAsync(l => l.OnPartitionsAssignedAsync(added)).ConfigureAwait(false);
    }

    private async ValueTask<Exception?> InvokeListenerAsync(Func<IConsumerRebalanceListener, ValueTask> callback)
    {
        IConsumerRebalanceListener? listener;
        lock (_subscription.Lock)
        {
            listener = _listener;
        }

        if (listener is null)
        {
            return null;
        }

        try
        {
            await callback(listener).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private void RaiseAttention()
    {
        CancellationTokenSource source;
        lock (_subscription.Lock)
        {
            _attention = true;
            source = _attentionSource;
        }

        source.Cancel();
    }

    private void ClearAttention()
    {
        lock (_subscription.Lock)
        {
            _attention = false;
            if (_attentionSource.IsCancellationRequested)
            {
                // Not disposed: the heartbeat thread may still be cancelling it, and a source without a timer holds
                // nothing that needs disposing.
                _attentionSource = new CancellationTokenSource();
            }
        }
    }
}
