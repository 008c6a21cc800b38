using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>OffsetCommit and OffsetFetch.</summary>
public sealed partial class GroupCoordinatorShard
{
    /// <summary>
    /// Commits offsets, one record per partition keyed by (group, topic, partition), so compaction keeps the
    /// latest. Offsets are stored as given, even below the committed one: Kafka lets a client rewind its group
    /// this way, and "commits never go backwards" is a property of a correct consumer, not a rule here.
    /// <para>Who may commit (Kafka's rules for the consumer protocol, OffsetCommit v9+): a member with its current
    /// epoch (including while it is releasing partitions, so it can commit them first); a client outside group
    /// management (member epoch -1) only while the group has no members, and it creates the group if absent.
    /// Otherwise: an unknown group with epoch >= 0 gets GROUP_ID_NOT_FOUND, an unknown member UNKNOWN_MEMBER_ID,
    /// any other epoch STALE_MEMBER_EPOCH.</para>
    /// </summary>
    public GroupOperationResult<OffsetCommitOutput> CommitOffsets(OffsetCommitInput input, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(input);
        var refusal = CommitRefusal(input);
        if (refusal != ErrorCode.None)
        {
            return new GroupOperationResult<OffsetCommitOutput>(
                new OffsetCommitOutput(input.Partitions.Select(p => new PartitionResult(p.Partition, refusal)).ToList(), refusal), []);
        }

        var records = new List<GroupRecord>(input.Partitions.Count);
        var results = new List<PartitionResult>(input.Partitions.Count);
        foreach (var entry in input.Partitions)
        {
            var error = EntryRefusal(entry);
            if (error == ErrorCode.None)
            {
                var value = new OffsetCommitValue(entry.Offset, entry.LeaderEpoch, entry.Metadata, nowMs);
                Emit(records, GroupRecordKey.OffsetCommit(input.GroupId, entry.Partition), value);
            }

            results.Add(new PartitionResult(entry.Partition, error));
        }

        return new GroupOperationResult<OffsetCommitOutput>(new OffsetCommitOutput(results), records);
    }

    /// <summary>
    /// The committed offsets of a group: of <paramref name="partitions"/>, or all when null. An unknown group or
    /// partition reads as offset -1, as in Kafka. Reads this shard's state, which includes writes whose records the
    /// caller may not have committed yet; a caller answering reads must wait for those (Kafka reads at the
    /// partition's committed offset).
    /// </summary>
    public OffsetFetchOutput FetchOffsets(string groupId, IReadOnlyList<TopicPartition>? partitions)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var group = _groups.GetValueOrDefault(groupId);
        if (partitions is null)
        {
            var all = (group?.Offsets ?? [])
                .OrderBy(o => o.Key.Topic, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Partition)
                .Select(o => new FetchedOffset(o.Key, o.Value.Offset, o.Value.LeaderEpoch, o.Value.Metadata))
                .ToList();
            return new OffsetFetchOutput(ErrorCode.None, all);
        }

        var fetched = partitions
            .Select(p => group?.Offsets.GetValueOrDefault(p) is { } o ? new FetchedOffset(p, o.Offset, o.LeaderEpoch, o.Metadata) : FetchedOffset.None(p))
            .ToList();
        return new OffsetFetchOutput(ErrorCode.None, fetched);
    }

    private ErrorCode CommitRefusal(OffsetCommitInput input)
    {
        if (string.IsNullOrEmpty(input.GroupId))
        {
            return ErrorCode.InvalidGroupId;
        }

        var group = _groups.GetValueOrDefault(input.GroupId);
        if (group is null || group.Members.Count == 0)
        {
            return input.MemberEpoch < 0 ? ErrorCode.None : group is null ? ErrorCode.GroupIdNotFound : ErrorCode.UnknownMemberId;
        }

        if (!group.Members.ContainsKey(input.MemberId))
        {
            return ErrorCode.UnknownMemberId;
        }

        return group.CurrentOf(input.MemberId).MemberEpoch == input.MemberEpoch ? ErrorCode.None : ErrorCode.StaleMemberEpoch;
    }

    /// <summary>A partition the coordinator will not store: a bad partition, a negative offset, or metadata over the limit (OFFSET_METADATA_TOO_LARGE, as in Kafka).</summary>
    private ErrorCode EntryRefusal(OffsetCommitEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Partition.Topic) || entry.Partition.Partition < 0)
        {
            return ErrorCode.UnknownTopicOrPartition;
        }

        if (entry.Metadata?.Length > _options.OffsetMetadataCharsMax)
        {
            return ErrorCode.OffsetMetadataTooLarge;
        }

        return entry.Offset < 0 ? ErrorCode.InvalidRequest : ErrorCode.None;
    }
}
