using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>The heartbeat: join, stay, reconcile, leave (KIP-848's ConsumerGroupHeartbeat).</summary>
public sealed partial class GroupCoordinatorShard
{
    /// <summary>
    /// One heartbeat. Joins (empty member id, epoch 0), rejoins (known id, epoch 0), leaves (-1, or -2 for a static
    /// member's restart), or keeps a member alive and moves its assignment a step towards its target.
    /// </summary>
    public GroupOperationResult<HeartbeatOutput> Heartbeat(HeartbeatInput input, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        var records = new List<GroupRecord>();
        try
        {
            ValidateHeartbeat(input);
            var output = input.MemberEpoch switch
            {
                GroupMemberEpochs.Leave => Leave(input, records),
                GroupMemberEpochs.StaticLeave => LeaveStatically(input, nowMs, records),
                _ => JoinOrHeartbeat(input, nowMs, records),
            };
            return new GroupOperationResult<HeartbeatOutput>(output, records);
        }
        catch (BrokerException e) when (records.Count == 0)
        {
            // Refusals are decided before anything is written; one after a write would part state from log.
            return new GroupOperationResult<HeartbeatOutput>(HeartbeatOutput.Failure(input, e.Code, e.Message, _options.HeartbeatIntervalMs), []);
        }
    }

    /// <summary>LeaveGroup: a heartbeat with epoch -1, or -2 when a static member leaves only for a restart.</summary>
    public GroupOperationResult<HeartbeatOutput> LeaveGroup(string groupId, string memberId, bool keepAssignmentForRestart, long nowMs) =>
        Heartbeat(new HeartbeatInput(groupId, memberId, keepAssignmentForRestart ? GroupMemberEpochs.StaticLeave : GroupMemberEpochs.Leave), nowMs);

    private void ValidateHeartbeat(HeartbeatInput input)
    {
        if (string.IsNullOrEmpty(input.GroupId))
        {
            throw Refuse(ErrorCode.InvalidGroupId, "The group id is empty.");
        }

        if (input.MemberEpoch < GroupMemberEpochs.StaticLeave)
        {
            throw Refuse(ErrorCode.InvalidRequest, $"Member epoch {input.MemberEpoch} is not valid.");
        }

        if (input.MemberEpoch != GroupMemberEpochs.Join && input.MemberId.Length == 0)
        {
            throw Refuse(ErrorCode.UnknownMemberId, "Only a join (epoch 0) may come without a member id.");
        }

        if (input.MemberEpoch == GroupMemberEpochs.Join && input.MemberId.Length == 0 && input.SubscribedTopics is null)
        {
            throw Refuse(ErrorCode.InvalidRequest, "A joining member must send its subscription.");
        }

        if (input.SubscribedTopics?.Any(string.IsNullOrEmpty) == true || input.InstanceId?.Length == 0)
        {
            throw Refuse(ErrorCode.InvalidRequest, "Topic names and the instance id must not be empty.");
        }

        if (input.ServerAssignor is { } name && PartitionAssignors.Find(name) is null)
        {
            throw Refuse(ErrorCode.UnsupportedAssignor, $"The assignor '{name}' is not offered; use 'uniform' or 'range'.");
        }
    }

    private HeartbeatOutput JoinOrHeartbeat(HeartbeatInput input, long nowMs, List<GroupRecord> records)
    {
        var group = _groups.GetValueOrDefault(input.GroupId);
        var (memberId, prior) = input.MemberEpoch == GroupMemberEpochs.Join && input.MemberId.Length == 0
            ? Admit(group, input, nowMs, records)
            : (input.MemberId, Existing(group, input));

        var merged = MergeMemberMetadata(prior, input);
        if (!merged.SameAs(_groups.GetValueOrDefault(input.GroupId)?.Members.GetValueOrDefault(memberId)))
        {
            Emit(records, GroupRecordKey.MemberMetadata(input.GroupId, memberId), merged);
        }

        group = _groups[input.GroupId];
        var countsMoved = group.Metadata is not { } metadata || !metadata.SameCounts(LivePartitionCounts(group));
        if (prior is null || merged.AssignmentInputsDiffer(prior) || countsMoved)
        {
            BumpGroupEpoch(group, records);
        }

        if (group.GroupEpoch > group.AssignmentEpoch)
        {
            ComputeTargetAssignment(group, records);
        }

        return Reconcile(group, memberId, input, nowMs, records);
    }

    /// <summary>A new member: a fresh id, or the member id of the static member whose instance id it carries.</summary>
    private (string MemberId, GroupMemberMetadataValue? Prior) Admit(ConsumerGroup? group, HeartbeatInput input, long nowMs, List<GroupRecord> records)
    {
        if (input.InstanceId is { } instanceId && group?.MemberOfInstance(instanceId) is { } previous)
        {
            if (!MayTakeOver(group, previous, nowMs))
            {
                throw Refuse(ErrorCode.UnreleasedInstanceId, $"Instance {instanceId} is still used by live member {previous}.");
            }

            var prior = group.Members[previous];
            var memberId = NewMemberId(group);
            TakeOver(group, previous, memberId, records);
            return (memberId, prior);
        }

        if (group is not null && group.Members.Count >= _options.GroupMembersMax)
        {
            throw Refuse(ErrorCode.GroupMaxSizeReached, $"Group {input.GroupId} has {group.Members.Count} members, the limit.");
        }

        return (NewMemberId(group), null);
    }

    /// <summary>A static member that left for a restart, or that has missed two heartbeats, may be replaced by a new incarnation.</summary>
    private bool MayTakeOver(ConsumerGroup group, string previous, long nowMs) =>
        group.CurrentOf(previous).MemberEpoch == GroupMemberEpochs.StaticLeave
        || !group.Timers.TryGetValue(previous, out var timers)
        || nowMs - timers.LastHeartbeatMs >= _options.StaticMemberTakeoverSilenceMs;

    /// <summary>
    /// The new incarnation inherits the old one's epoch, target and holdings under its new member id; no epoch
    /// bump and no reassignment. Whatever the old one still had pending revocation, the newcomer (which owns
    /// nothing yet) releases at once in its first reconciliation.
    /// </summary>
    private void TakeOver(ConsumerGroup group, string previous, string memberId, List<GroupRecord> records)
    {
        var old = group.CurrentOf(previous);
        var hadTarget = group.Targets.TryGetValue(previous, out var target);
        var inherited = old.MemberEpoch == GroupMemberEpochs.StaticLeave
            ? old with { MemberEpoch = old.PreviousMemberEpoch }
            : old;
        EmitMemberTombstones(group, previous, records);
        if (hadTarget)
        {
            Emit(records, GroupRecordKey.TargetAssignmentMember(group.GroupId, memberId), new GroupTargetAssignmentMemberValue(target!));
        }

        Emit(records, GroupRecordKey.CurrentMemberAssignment(group.GroupId, memberId), inherited);
    }

    /// <summary>The metadata of a member that is already in the group; checks its epoch.</summary>
    private static GroupMemberMetadataValue Existing(ConsumerGroup? group, HeartbeatInput input)
    {
        if (group is null || !group.Members.TryGetValue(input.MemberId, out var member))
        {
            throw Refuse(ErrorCode.UnknownMemberId, $"Member {input.MemberId} is not in group {input.GroupId}.");
        }

        if (input.MemberEpoch != GroupMemberEpochs.Join)
        {
            CheckMemberEpoch(group.CurrentOf(input.MemberId), input);
        }

        return member;
    }

    /// <summary>
    /// The member's epoch must be the current one, or the previous one when the member says it owns only
    /// partitions still assigned to it: the answer that advanced its epoch was lost, and nothing it owns moved.
    /// </summary>
    private static void CheckMemberEpoch(GroupCurrentMemberAssignmentValue current, HeartbeatInput input)
    {
        var received = input.MemberEpoch;
        var acceptedPrevious = received == current.PreviousMemberEpoch
            && received < current.MemberEpoch
            && input.OwnedPartitions is { } owned
            && owned.IsSubsetOf(current.Assigned);
        if (received != current.MemberEpoch && !acceptedPrevious)
        {
            throw Refuse(ErrorCode.FencedMemberEpoch, $"Member {input.MemberId} sent epoch {received}; its epoch is {current.MemberEpoch}.");
        }
    }

    private GroupMemberMetadataValue MergeMemberMetadata(GroupMemberMetadataValue? prior, HeartbeatInput input) => new(
        prior is null ? input.InstanceId : prior.InstanceId,
        input.RackId ?? prior?.RackId,
        input.ClientId,
        input.ClientHost,
        input.SubscribedTopics is { } topics
            ? topics.Distinct().Order(StringComparer.Ordinal).ToArray()
            : prior!.SubscribedTopics,
        input.RebalanceTimeoutMs > 0 ? input.RebalanceTimeoutMs : prior?.RebalanceTimeoutMs ?? _options.RebalanceTimeoutDefaultMs,
        _options.SessionTimeoutMs,
        input.ServerAssignor ?? prior?.ServerAssignor);

    /// <summary>Moves the member a step towards its target, restarts its session clock, and answers.</summary>
    private HeartbeatOutput Reconcile(ConsumerGroup group, string memberId, HeartbeatInput input, long nowMs, List<GroupRecord> records)
    {
        var before = group.CurrentOf(memberId);
        var isJoin = input.MemberEpoch == GroupMemberEpochs.Join;

        // A (re)joining client owns nothing it has not said: it gave up everything when it was fenced or restarted.
        var owned = isJoin ? input.OwnedPartitions ?? TopicPartitionSet.Empty : input.OwnedPartitions;
        var after = CurrentAssignmentBuilder.Reconcile(
            before, group.AssignmentEpoch, group.TargetOf(memberId), owned, p => group.HolderOf(p) is { } holder && holder != memberId);
        if (!group.Current.ContainsKey(memberId) || after != before)
        {
            Emit(records, GroupRecordKey.CurrentMemberAssignment(group.GroupId, memberId), after);
        }

        RestartTimers(group, memberId, before, after, nowMs);

        // Kafka's "full request" carries subscription and owned partitions: the client may have lost track.
        var fullRequest = input.SubscribedTopics is not null && input.OwnedPartitions is not null;
        var sendAssignment = isJoin || fullRequest || input.MemberEpoch != before.MemberEpoch || !after.Assigned.Equals(before.Assigned);
        return new HeartbeatOutput(ErrorCode.None, null, memberId, after.MemberEpoch, _options.HeartbeatIntervalMs, sendAssignment ? after.Assigned : null);
    }

    private static void RestartTimers(ConsumerGroup group, string memberId, GroupCurrentMemberAssignmentValue before, GroupCurrentMemberAssignmentValue after, long nowMs)
    {
        var member = group.Members[memberId];
        if (!group.Timers.TryGetValue(memberId, out var timers))
        {
            timers = new MemberTimers();
            group.Timers[memberId] = timers;
        }

        timers.LastHeartbeatMs = nowMs;
        timers.SessionDeadlineMs = nowMs + member.SessionTimeoutMs;
        if (after.State != MemberState.UnrevokedPartitions)
        {
            timers.RevocationDeadlineMs = null;
        }
        else if (before.State != MemberState.UnrevokedPartitions || timers.RevocationDeadlineMs is null)
        {
            timers.RevocationDeadlineMs = nowMs + member.RebalanceTimeoutMs;
        }
    }

    private HeartbeatOutput Leave(HeartbeatInput input, List<GroupRecord> records)
    {
        var group = _groups.GetValueOrDefault(input.GroupId);
        if (group is null || !group.Members.ContainsKey(input.MemberId))
        {
            throw Refuse(ErrorCode.UnknownMemberId, $"Member {input.MemberId} is not in group {input.GroupId}.");
        }

        RemoveMembers(group, [input.MemberId], records);
        return new HeartbeatOutput(ErrorCode.None, null, input.MemberId, GroupMemberEpochs.Leave, _options.HeartbeatIntervalMs, null);
    }

    /// <summary>
    /// A static member leaves for a restart: it keeps its assignment (nobody else gets those partitions) for the
    /// session timeout, at epoch -2, remembering the epoch to resume at. A closing client released everything,
    /// so nothing stays pending revocation.
    /// </summary>
    private HeartbeatOutput LeaveStatically(HeartbeatInput input, long nowMs, List<GroupRecord> records)
    {
        var group = _groups.GetValueOrDefault(input.GroupId);
        if (group is null || !group.Members.TryGetValue(input.MemberId, out var member))
        {
            throw Refuse(ErrorCode.UnknownMemberId, $"Member {input.MemberId} is not in group {input.GroupId}.");
        }

        if (member.InstanceId is null)
        {
            throw Refuse(ErrorCode.InvalidRequest, $"Member {input.MemberId} has no instance id; only static members leave with epoch -2.");
        }

        var before = group.CurrentOf(input.MemberId);
        var away = before.MemberEpoch == GroupMemberEpochs.StaticLeave
            ? before
            : new GroupCurrentMemberAssignmentValue(
                GroupMemberEpochs.StaticLeave,
                before.MemberEpoch,
                before.State == MemberState.UnrevokedPartitions ? MemberState.Stable : before.State,
                before.Assigned,
                TopicPartitionSet.Empty);
        if (away != before)
        {
            Emit(records, GroupRecordKey.CurrentMemberAssignment(group.GroupId, input.MemberId), away);
        }

        var timers = group.Timers.GetValueOrDefault(input.MemberId) ?? new MemberTimers();
        group.Timers[input.MemberId] = timers;
        timers.SessionDeadlineMs = nowMs + member.SessionTimeoutMs;
        timers.RevocationDeadlineMs = null;
        return new HeartbeatOutput(ErrorCode.None, null, input.MemberId, GroupMemberEpochs.StaticLeave, _options.HeartbeatIntervalMs, null);
    }
}
