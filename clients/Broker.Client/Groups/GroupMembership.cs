using System.Diagnostics;
using Broker.Core;
using Broker.Core.Errors;
using Broker.Protocol;
using Broker.Protocol.Messages.ConsumerGroupHeartbeat;

namespace Broker.Client.Groups;

/// <summary>
/// One member's side of the heartbeat protocol (docs/protocol.md, "The heartbeat protocol") as plain state: which
/// heartbeat to send next (a join, a full request, or a steady one carrying only what changed) and what an answer
/// means. No I/O, no clock, no lock of its own: the consumer guards it with the lock of the partitions it reads, so
/// the owned set it reports and the partitions it consumes never disagree.
/// </summary>
internal sealed class GroupMembership(string groupId, string? instanceId, string? assignor, TimeSpan rebalanceTimeout)
{
    private IReadOnlyList<string> _subscription = [];
    private int _subscriptionVersion;
    private int _subscriptionVersionAcknowledged = -1;
    private bool _fullRequestNext = true;
    private TopicPartition[]? _ownedAcknowledged;
    private InFlight? _inFlight;

    public string GroupId => groupId;

    public string? InstanceId => instanceId;

    /// <summary>Empty until the coordinator gives one on the first join, and again after UNKNOWN_MEMBER_ID.</summary>
    public string MemberId { get; private set; } = "";

    /// <summary>The epoch of the last answer; <see cref="ProtocolSentinels.JoinGroupMemberEpoch"/> while (re)joining.</summary>
    public int MemberEpoch { get; private set; } = ProtocolSentinels.JoinGroupMemberEpoch;

    /// <summary>True once a join has been answered and until the member is fenced or leaves.</summary>
    public bool HasJoined => MemberEpoch > ProtocolSentinels.JoinGroupMemberEpoch;

    /// <summary>From the last answer; 0 before the first.</summary>
    public int HeartbeatIntervalMs { get; private set; }

    /// <summary>The latest assignment received and not yet taken for reconciliation; older ones are superseded.</summary>
    public IReadOnlyList<TopicPartition>? PendingAssignment { get; private set; }

    public IReadOnlyList<string> Subscription => _subscription;

    /// <summary>Who commits: the member's id, its current epoch and its instance id.</summary>
    public MemberIdentity Identity => new(MemberId, MemberEpoch, instanceId);

    public void Subscribe(IReadOnlyList<string> topics)
    {
        _subscription = topics;
        _subscriptionVersion++;
    }

    /// <summary>Hands the pending assignment to reconciliation (null when there is none).</summary>
    public IReadOnlyList<TopicPartition>? TakePendingAssignment()
    {
        var pending = PendingAssignment;
        PendingAssignment = null;
        return pending;
    }

    /// <summary>
    /// The next heartbeat. A join or a full request (after any failure) carries every field; a steady one only the
    /// ids, the epoch, and whichever of subscription and owned partitions changed since the coordinator acknowledged
    /// them. <paramref name="owned"/> is what the consumer holds now, partitions being taken or given up included.
    /// </summary>
    public ConsumerGroupHeartbeatRequest NextHeartbeat(IReadOnlyCollection<TopicPartition> owned)
    {
        var ownedSorted = owned.Order(GroupWire.PartitionOrder.Instance).ToArray();
        var joining = MemberEpoch == ProtocolSentinels.JoinGroupMemberEpoch;
        Debug.Assert(!joining || ownedSorted.Length == 0, "A member gives up every partition before it joins.");
        var full = joining || _fullRequestNext;
        var sendOwned = full || _ownedAcknowledged is null || !_ownedAcknowledged.SequenceEqual(ownedSorted);
        var sendSubscription = full || _subscriptionVersionAcknowledged != _subscriptionVersion;
        _inFlight = new InFlight(sendOwned ? ownedSorted : null, sendSubscription ? _subscriptionVersion : null);
        return new ConsumerGroupHeartbeatRequest
        {
            GroupId = groupId,
            MemberId = MemberId,
            MemberEpoch = MemberEpoch,
            InstanceId = full ? instanceId : null,
            RebalanceTimeoutMs = full ? (int)rebalanceTimeout.TotalMilliseconds : ProtocolSentinels.UnchangedRebalanceTimeoutMs,
            SubscribedTopicNames = sendSubscription ? _subscription : null,
            ServerAssignor = full ? assignor : null,
            TopicPartitions = sendOwned ? GroupWire.ToWire(ownedSorted) : null,
        };
    }

    /// <summary>Applies an answer to the heartbeat last built. Errors move the state as docs/protocol.md says.</summary>
    public HeartbeatOutcome OnAnswer(ConsumerGroupHeartbeatResponse response)
    {
        var sent = _inFlight;
        _inFlight = null;
        switch (response.ErrorCode)
        {
            case ErrorCode.None:
                MemberId = response.MemberId ?? MemberId;
                MemberEpoch = response.MemberEpoch;
                HeartbeatIntervalMs = response.HeartbeatIntervalMs;
                _fullRequestNext = false;
                if (sent?.Owned is { } owned)
                {
                    _ownedAcknowledged = owned;
                }

                if (sent?.SubscriptionVersion is { } version)
                {
                    _subscriptionVersionAcknowledged = version;
                }

                if (response.Assignment is null)
                {
                    return HeartbeatOutcome.Continue;
                }

                PendingAssignment = GroupWire.FromWire(response.Assignment);
                return HeartbeatOutcome.NewAssignment;
            case ErrorCode.FencedMemberEpoch:
                Rejoin(keepMemberId: true);
                return HeartbeatOutcome.Fenced;
            case ErrorCode.UnknownMemberId:
                Rejoin(keepMemberId: false);
                return HeartbeatOutcome.Fenced;
            default:
                _fullRequestNext = true;
                return ErrorCodes.IsRetriable(response.ErrorCode) ? HeartbeatOutcome.Retry : HeartbeatOutcome.Fatal;
        }
    }

    /// <summary>The heartbeat got no answer (lost connection, timeout): the coordinator may have missed it.</summary>
    public void OnNoAnswer()
    {
        _inFlight = null;
        _fullRequestNext = true;
    }

    /// <summary>
    /// The leave heartbeat: epoch -1, or -2 for a static member that will come back (it keeps its partitions for
    /// the session timeout); every other field null. Afterwards the member is as new: a later join gets a new id.
    /// </summary>
    public ConsumerGroupHeartbeatRequest Leave(bool restarting)
    {
        var isStatic = restarting && instanceId is not null;
        var request = new ConsumerGroupHeartbeatRequest
        {
            GroupId = groupId,
            MemberId = MemberId,
            MemberEpoch = isStatic ? ProtocolSentinels.LeaveGroupStaticMemberEpoch : ProtocolSentinels.LeaveGroupMemberEpoch,
            InstanceId = isStatic ? instanceId : null,
        };
        Rejoin(keepMemberId: false);
        return request;
    }

    private void Rejoin(bool keepMemberId)
    {
        if (!keepMemberId)
        {
            MemberId = "";
        }

        MemberEpoch = ProtocolSentinels.JoinGroupMemberEpoch;
        PendingAssignment = null;
        _ownedAcknowledged = null;
        _fullRequestNext = true;
    }

    /// <summary>What the heartbeat in flight reported, adopted as acknowledged when it is answered.</summary>
    private sealed record InFlight(TopicPartition[]? Owned, int? SubscriptionVersion);
}
