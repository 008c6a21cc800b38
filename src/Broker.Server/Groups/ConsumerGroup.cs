using Broker.Core;

namespace Broker.Server.Groups;

/// <summary>
/// The durable state of one group: exactly the latest value of each of its record keys, plus indexes derived from
/// them (who holds which partition, which member has which instance id, how many members subscribe to each topic).
/// It changes only through <see cref="Apply"/>, the same whether the record was just produced or read back from
/// <c>__consumer_offsets</c>, so a coordinator that loads the partition ends in the state the old one had.
/// </summary>
internal sealed class ConsumerGroup
{
    private readonly Dictionary<TopicPartition, string> _holders = [];
    private readonly Dictionary<string, string> _memberByInstance = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _subscribers = new(StringComparer.Ordinal);

    public ConsumerGroup(string groupId) => GroupId = groupId;

    public string GroupId { get; }

    public GroupMetadataValue? Metadata { get; private set; }

    public GroupTargetAssignmentMetadataValue? TargetMetadata { get; private set; }

    /// <summary>Members by id, in ordinal order so that every walk over them is deterministic.</summary>
    public SortedDictionary<string, GroupMemberMetadataValue> Members { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, TopicPartitionSet> Targets { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, GroupCurrentMemberAssignmentValue> Current { get; } = new(StringComparer.Ordinal);

    public Dictionary<TopicPartition, OffsetCommitValue> Offsets { get; } = [];

    /// <summary>Soft state (see <see cref="MemberTimers"/>); kept here only so a removed member's timers go with it.</summary>
    public Dictionary<string, MemberTimers> Timers { get; } = new(StringComparer.Ordinal);

    public int GroupEpoch => Metadata?.Epoch ?? 0;

    public int AssignmentEpoch => TargetMetadata?.AssignmentEpoch ?? 0;

    /// <summary>The topics some member subscribes to, in ordinal order.</summary>
    public IEnumerable<string> SubscribedTopics => _subscribers.Keys;

    public bool HasNoRecords =>
        Metadata is null && TargetMetadata is null && Members.Count == 0 && Targets.Count == 0 && Current.Count == 0 && Offsets.Count == 0;

    public GroupState State
    {
        get
        {
            if (Members.Count == 0)
            {
                return GroupState.Empty;
            }

            if (GroupEpoch > AssignmentEpoch)
            {
                return GroupState.Assigning;
            }

            // A static member that is away does not hold the group in Reconciling: it reconciles when it returns.
            var reconciling = Members.Keys.Select(CurrentOf).Any(c =>
                c.MemberEpoch != GroupMemberEpochs.StaticLeave && (c.MemberEpoch != AssignmentEpoch || c.State != MemberState.Stable));
            return reconciling ? GroupState.Reconciling : GroupState.Stable;
        }
    }

    /// <summary>The member holding the partition (assigned to it, or not yet released by it), if any.</summary>
    public string? HolderOf(TopicPartition partition) => _holders.GetValueOrDefault(partition);

    public string? MemberOfInstance(string instanceId) => _memberByInstance.GetValueOrDefault(instanceId);

    public GroupCurrentMemberAssignmentValue CurrentOf(string memberId) =>
        Current.GetValueOrDefault(memberId) ?? GroupCurrentMemberAssignmentValue.Initial;

    public TopicPartitionSet TargetOf(string memberId) => Targets.GetValueOrDefault(memberId) ?? TopicPartitionSet.Empty;

    /// <summary>Applies one record of this group: the new latest value of its key, or its deletion.</summary>
    public void Apply(GroupRecordKey key, GroupRecordValue? value)
    {
        switch (key.Type)
        {
            case GroupRecordType.GroupMetadata:
                Metadata = (GroupMetadataValue?)value;
                break;
            case GroupRecordType.GroupTargetAssignmentMetadata:
                TargetMetadata = (GroupTargetAssignmentMetadataValue?)value;
                break;
            case GroupRecordType.GroupMemberMetadata:
                ApplyMember(key.MemberId!, (GroupMemberMetadataValue?)value);
                break;
            case GroupRecordType.GroupTargetAssignmentMember:
                Set(Targets, key.MemberId!, ((GroupTargetAssignmentMemberValue?)value)?.Partitions);
                break;
            case GroupRecordType.GroupCurrentMemberAssignment:
                ApplyCurrent(key.MemberId!, (GroupCurrentMemberAssignmentValue?)value);
                break;
            case GroupRecordType.OffsetCommit:
                Set(Offsets, key.TopicPartition, (OffsetCommitValue?)value);
                break;
            default:
                throw new InvalidOperationException($"No replay for {key.Type}.");
        }
    }

    /// <summary>The state as records, one per live key, in a canonical order: what compaction converges to.</summary>
    public IEnumerable<GroupRecord> LiveRecords()
    {
        if (Metadata is not null)
        {
            yield return new GroupRecord(GroupRecordKey.GroupMetadata(GroupId), Metadata);
        }

        foreach (var (id, member) in Members)
        {
            yield return new GroupRecord(GroupRecordKey.MemberMetadata(GroupId, id), member);
        }

        if (TargetMetadata is not null)
        {
            yield return new GroupRecord(GroupRecordKey.TargetAssignmentMetadata(GroupId), TargetMetadata);
        }

        foreach (var (id, target) in Targets)
        {
            yield return new GroupRecord(GroupRecordKey.TargetAssignmentMember(GroupId, id), new GroupTargetAssignmentMemberValue(target));
        }

        foreach (var (id, current) in Current)
        {
            yield return new GroupRecord(GroupRecordKey.CurrentMemberAssignment(GroupId, id), current);
        }

        foreach (var (partition, offset) in Offsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition))
        {
            yield return new GroupRecord(GroupRecordKey.OffsetCommit(GroupId, partition), offset);
        }
    }

    private void ApplyMember(string memberId, GroupMemberMetadataValue? member)
    {
        if (Members.TryGetValue(memberId, out var old))
        {
            if (old.InstanceId is { } oldInstance)
            {
                _memberByInstance.Remove(oldInstance);
            }

            foreach (var topic in old.SubscribedTopics)
            {
                if (--_subscribers[topic] == 0)
                {
                    _subscribers.Remove(topic);
                }
            }
        }

        Set(Members, memberId, member);
        if (member is null)
        {
            Timers.Remove(memberId);
            return;
        }

        if (member.InstanceId is { } instance)
        {
            _memberByInstance[instance] = memberId;
        }

        foreach (var topic in member.SubscribedTopics)
        {
            _subscribers[topic] = _subscribers.GetValueOrDefault(topic) + 1;
        }
    }

    private void ApplyCurrent(string memberId, GroupCurrentMemberAssignmentValue? current)
    {
        // The safety rule of the whole protocol, checked before anything changes: a log that breaks it must not
        // be served from, and a refused record leaves the state as it was.
        foreach (var partition in current?.Held ?? [])
        {
            if (_holders.TryGetValue(partition, out var holder) && holder != memberId)
            {
                throw new InvalidOperationException($"Group {GroupId}: {partition} would be held by {memberId} while {holder} still holds it.");
            }
        }

        if (Current.TryGetValue(memberId, out var old))
        {
            foreach (var partition in old.Held)
            {
                _holders.Remove(partition);
            }
        }

        Set(Current, memberId, current);
        foreach (var partition in current?.Held ?? [])
        {
            _holders[partition] = memberId;
        }
    }

    private static void Set<TKey, TValue>(IDictionary<TKey, TValue> map, TKey key, TValue? value)
        where TValue : class
    {
        if (value is null)
        {
            map.Remove(key);
        }
        else
        {
            map[key] = value;
        }
    }
}
