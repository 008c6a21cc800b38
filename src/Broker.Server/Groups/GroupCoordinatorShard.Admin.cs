using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>Session expiry, and the administrative operations: ListGroups, DescribeGroups, DeleteGroups.</summary>
public sealed partial class GroupCoordinatorShard
{
    /// <summary>
    /// Fences every member whose session deadline passed (no heartbeat for the session timeout; a static member
    /// away longer than it), or that did not release revoked partitions within its rebalance timeout. Their
    /// partitions are released at once and the group gets a new target. Call it often: the reassignment after a
    /// crash takes the session timeout plus the time until this runs.
    /// </summary>
    public GroupOperationResult<IReadOnlyList<FencedMember>> ExpireSessions(long nowMs)
    {
        var records = new List<GroupRecord>();
        var fenced = new List<FencedMember>();
        foreach (var group in _groups.Values.OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList())
        {
            var expired = new List<string>();
            foreach (var (memberId, member) in group.Members)
            {
                if (Expiry(group, memberId, nowMs) is { } reason)
                {
                    expired.Add(memberId);
                    fenced.Add(new FencedMember(group.GroupId, memberId, member.InstanceId, reason));
                }
            }

            if (expired.Count > 0)
            {
                RemoveMembers(group, expired, records);
            }
        }

        return new GroupOperationResult<IReadOnlyList<FencedMember>>(fenced, records);
    }

    public IReadOnlyList<GroupListing> ListGroups(IReadOnlyCollection<GroupState>? states = null) =>
        _groups.Values
            .Select(g => new GroupListing(g.GroupId, g.State))
            .Where(l => states is null || states.Count == 0 || states.Contains(l.State))
            .OrderBy(l => l.GroupId, StringComparer.Ordinal)
            .ToList();

    /// <summary>The member id of the static member <paramref name="instanceId"/> in a group; null if none.</summary>
    public string? MemberOfInstance(string groupId, string instanceId) =>
        _groups.GetValueOrDefault(groupId)?.MemberOfInstance(instanceId);

    public IReadOnlyList<GroupDescription> DescribeGroups(IReadOnlyList<string> groupIds)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        return groupIds.Select(Describe).ToList();
    }

    /// <summary>
    /// Deletes empty groups: tombstones for every committed offset, the target assignment metadata and the group
    /// metadata. A group with members (a static member away for a restart counts) is refused with NON_EMPTY_GROUP.
    /// </summary>
    public GroupOperationResult<IReadOnlyList<GroupDeletion>> DeleteGroups(IReadOnlyList<string> groupIds)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        var records = new List<GroupRecord>();
        var results = new List<GroupDeletion>();
        foreach (var groupId in groupIds)
        {
            var group = _groups.GetValueOrDefault(groupId);
            var error = group is null ? ErrorCode.GroupIdNotFound : group.Members.Count > 0 ? ErrorCode.NonEmptyGroup : ErrorCode.None;
            if (error == ErrorCode.None)
            {
                // LiveRecords of a group without members: metadata, target metadata, offsets (and no member keys).
                foreach (var record in group!.LiveRecords().ToList())
                {
                    Emit(records, GroupRecord.Tombstone(record.Key));
                }
            }

            results.Add(new GroupDeletion(groupId, error));
        }

        return new GroupOperationResult<IReadOnlyList<GroupDeletion>>(results, records);
    }

    private FenceReason? Expiry(ConsumerGroup group, string memberId, long nowMs)
    {
        if (!group.Timers.TryGetValue(memberId, out var timers))
        {
            // Loaded without ResumeAfterLoad: start the clock now rather than fence a member nobody has timed.
            group.Timers[memberId] = new MemberTimers { LastHeartbeatMs = nowMs, SessionDeadlineMs = nowMs + group.Members[memberId].SessionTimeoutMs };
            return null;
        }

        if (nowMs >= timers.SessionDeadlineMs)
        {
            return FenceReason.SessionTimeout;
        }

        return timers.RevocationDeadlineMs is { } deadline && nowMs >= deadline ? FenceReason.RebalanceTimeout : null;
    }

    private GroupDescription Describe(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return new GroupDescription(groupId, ErrorCode.GroupIdNotFound, GroupState.Dead, 0, 0, _options.DefaultAssignor, []);
        }

        var members = group.Members.Select(m =>
        {
            var current = group.CurrentOf(m.Key);
            return new MemberDescription(
                m.Key, m.Value.InstanceId, m.Value.RackId, m.Value.ClientId, m.Value.ClientHost, m.Value.SubscribedTopics,
                current.MemberEpoch, current.State, current.Assigned, current.PendingRevocation, group.TargetOf(m.Key));
        }).ToList();
        return new GroupDescription(groupId, ErrorCode.None, group.State, group.GroupEpoch, group.AssignmentEpoch, ChooseAssignor(group).Name, members);
    }
}
