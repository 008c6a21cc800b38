using Broker.Client.Consuming;
using Broker.Client.Metadata;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;

namespace Broker.Client.Groups;

/// <summary>
/// A consumer's place in its group (<see cref="ConsumerOptions.GroupId"/>): membership, commits, and the changes of
/// partitions the group makes. The heartbeat runs in the background (<see cref="HeartbeatLoop"/>); what it learns
/// that concerns the application (a new assignment, partitions lost, a fatal error) raises <em>attention</em>, which
/// the consume methods act on (<see cref="AttendAsync"/>) before they hand out a record. That is where the rebalance
/// listener runs, so it always runs on the application's consume thread, as in Kafka.
/// </summary>
/// <remarks>
/// Membership state and the partitions being read share <see cref="SubscriptionState.Lock"/>: the owned set a
/// heartbeat reports is exactly the partitions in <see cref="SubscriptionState"/>. Giving partitions up follows
/// docs/protocol.md: stop fetching, commit (with auto-commit), run the revoked callback, drop them, and heartbeat at
/// once so the coordinator can hand them on. The heartbeat loop's side is in ConsumerGroup.Heartbeat.cs, the
/// application thread's in ConsumerGroup.Reconciliation.cs.
/// </remarks>
internal sealed partial class ConsumerGroup
{
    private readonly ConsumerOptions _options;
    private readonly SubscriptionState _subscription;
    private readonly MetadataManager _metadata;
    private readonly GroupCoordinatorLocator _locator;
    private readonly TimeProvider _time;
    private readonly Action _wakeFetcher;
    private readonly List<TopicPartition> _lost = [];
    private readonly CancellationTokenSource _autoCommitStop = new();
    private GroupMembership? _membership;
    private HeartbeatLoop? _heartbeats;
    private IConsumerRebalanceListener? _listener;
    private BrokerException? _fatal;
    private bool _awaitingLostCallback;
    private int _generation;
    private CancellationTokenSource _attentionSource = new();
    private volatile bool _attention;
    private Task _autoCommit = Task.CompletedTask;

    public ConsumerGroup(ConsumerOptions options, SubscriptionState subscription, MetadataManager metadata, GroupCoordinatorLocator locator, TimeProvider time, Action wakeFetcher)
    {
        _options = options;
        _subscription = subscription;
        _metadata = metadata;
        _locator = locator;
        _time = time;
        _wakeFetcher = wakeFetcher;
        Offsets = new OffsetCommitter(options, subscription, locator, this);
        CommittedOffsets = new CommittedOffsetSource(locator, options.GroupId!, IdentityForLookup);
        if (options.EnableAutoCommit)
        {
            _autoCommit = Task.Run(() => Offsets.AutoCommitAsync(time, _autoCommitStop.Token));
        }
    }

    public OffsetCommitter Offsets { get; }

    public CommittedOffsetSource CommittedOffsets { get; }

    public bool IsSubscribed
    {
        get
        {
            lock (_subscription.Lock)
            {
                return _membership is not null;
            }
        }
    }

    public IReadOnlyList<string> Subscription
    {
        get
        {
            lock (_subscription.Lock)
            {
                return _membership?.Subscription ?? [];
            }
        }
    }

    /// <summary>The member id the coordinator gave; null before the first join and when not subscribed.</summary>
    public string? MemberId
    {
        get
        {
            lock (_subscription.Lock)
            {
                return _membership is { MemberId.Length: > 0 } membership ? membership.MemberId : null;
            }
        }
    }

    public void Subscribe(IReadOnlyList<string> topics, IConsumerRebalanceListener? listener)
    {
        var start = false;
        lock (_subscription.Lock)
        {
            if (_fatal is { } fatal)
            {
                throw new InvalidOperationException($"The group membership failed ({fatal.Message}); call UnsubscribeAsync before subscribing again.");
            }

            if (_membership is null)
            {
                _membership = new GroupMembership(_options.GroupId!, _options.GroupInstanceId, _options.GroupRemoteAssignor, _options.MaxPollInterval);
                start = true;
            }

            _membership.Subscribe(topics);
            _listener = listener;
        }

        if (start)
        {
            _heartbeats = new HeartbeatLoop(this, _locator, _options, _time);
            _heartbeats.Start();
        }
        else
        {
            _heartbeats?.HeartbeatNow();
        }
    }

    /// <summary>Gives every partition up (commit, revoked callback) and leaves with epoch -1. Returns a listener exception, if any.</summary>
    public Task<Exception?> UnsubscribeAsync(CancellationToken cancellationToken) =>
        LeaveAsync(restarting: false, _options.DefaultApiTimeout, cancellationToken);

    /// <summary>
    /// Closing: stops auto-commit, then as a member gives everything up and leaves (epoch -2 for a static member,
    /// which keeps its partitions for a restart), or as a consumer of assigned partitions commits their positions.
    /// Bounded by <see cref="ConsumerOptions.CloseTimeout"/>. Returns a listener exception, if any.
    /// </summary>
    public async Task<Exception?> CloseAsync()
    {
        await _autoCommitStop.CancelAsync().ConfigureAwait(false);
        await _autoCommit.ConfigureAwait(false);
        _autoCommitStop.Dispose();
        if (IsSubscribed)
        {
            return await LeaveAsync(restarting: true, _options.CloseTimeout, CancellationToken.None).ConfigureAwait(false);
        }

        if (_options.EnableAutoCommit)
        {
            await TryCommitAsync(null, _options.CloseTimeout, CancellationToken.None).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Who commits now: the member (once joined), nobody in particular for assigned partitions, or null while (re)joining.</summary>
    public MemberIdentity? CommitIdentityLocked() =>
        _membership is null ? MemberIdentity.None : _membership.HasJoined ? _membership.Identity : null;

    /// <summary>Waits (bounded) for a heartbeat answer, which carries the member's current epoch.</summary>
    public async Task AwaitHeartbeatAsync(CancellationToken cancellationToken)
    {
        if (_heartbeats is not { } heartbeats)
        {
            return;
        }

        try
        {
            await heartbeats.NextAnswerAsync().WaitAsync(_options.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The caller tries again with whatever epoch it has; its own deadline bounds the attempts.
        }
    }

    private MemberIdentity IdentityForLookup()
    {
        lock (_subscription.Lock)
        {
            return _membership is { HasJoined: true } membership ? membership.Identity : MemberIdentity.None;
        }
    }

    private async Task<Exception?> LeaveAsync(bool restarting, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var error = await ReportLostAsync(rejoin: false).ConfigureAwait(false);
        List<TopicPartition> owned;
        bool committable;
        lock (_subscription.Lock)
        {
            owned = [.. _subscription.AssignmentLocked.Order(GroupWire.PartitionOrder.Instance)];
            committable = _fatal is null && _membership?.HasJoined == true;
            foreach (var partition in owned)
            {
                _subscription.Find(partition)!.Revoking = true;
            }
        }

        if (owned.Count > 0)
        {
            if (_options.EnableAutoCommit && committable)
            {
                await TryCommitAsync(owned, timeout, deadline.Token).ConfigureAwait(false);
            }

            error ??= await InvokeListenerAsync(l => l.OnPartitionsRevokedAsync(owned)).ConfigureAwait(false);
        }

        await SendLeaveAsync(restarting, timeout, deadline.Token).ConfigureAwait(false);
        return error;
    }

    private async Task SendLeaveAsync(bool restarting, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_heartbeats is { } heartbeats)
        {
            await heartbeats.StopAsync(cancellationToken).ConfigureAwait(false);
            _heartbeats = null;
        }

        ConsumerGroupHeartbeatRequest? leave;
        lock (_subscription.Lock)
        {
            _subscription.RemoveLocked([.. _subscription.AssignmentLocked]);
            _generation++;
            leave = _membership is { MemberId.Length: > 0 } membership && _fatal is null ? membership.Leave(restarting) : null;
            _membership = null;
            _listener = null;
            _fatal = null;
            _awaitingLostCallback = false;
            _lost.Clear();
        }

        ClearAttention();
        if (leave is null)
        {
            return;
        }

        try
        {
            await _locator.SendAsync<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(
                leave.GroupId, leave, static r => r.ErrorCode, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException)
        {
            // Unanswered, the coordinator removes the member when its session times out: slower, and as safe.
        }
    }

    /// <summary>Auto-commit on revoke and close: a failure does not stop partitions from moving on (Kafka logs it).</summary>
    private async Task TryCommitAsync(IReadOnlyCollection<TopicPartition>? partitions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Offsets.CommitPositionsAsync(partitions, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException)
        {
            // Another member resumes from the last commit that went through: at-least-once holds.
        }
    }
}
