using Broker.Core.Errors;

namespace Broker.Server.Groups;

/// <summary>
/// The coordinator of every group that lives in one partition of <c>__consumer_offsets</c>: a pure,
/// deterministic state machine. No I/O, no threads, no clock: time comes in as <c>nowMs</c>, member ids from an
/// injected <see cref="Random"/>.
/// <para>State changes only through <see cref="Replay(GroupRecord)"/>. An operation validates its input first
/// (an error leaves state untouched and writes nothing), then produces records and replays each as it produces it,
/// and returns them: applying the same records to a fresh shard, as a new coordinator does when it loads the
/// partition, gives the same state. Timers are the exception: soft state, see <see cref="MemberTimers"/>.</para>
/// <para>Not thread-safe: the caller runs one operation at a time per shard (as Kafka's coordinator runtime does
/// per partition), appends each operation's records as one batch, and answers only after they are committed.</para>
/// </summary>
public sealed partial class GroupCoordinatorShard
{
    private readonly Dictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);
    private readonly GroupCoordinatorOptions _options;
    private readonly IGroupTopicMetadata _topics;
    private readonly Random _random;

    /// <param name="options">Settings; validated here.</param>
    /// <param name="topics">Partition counts from the current metadata image.</param>
    /// <param name="random">The source of member ids; seeded in tests and simulations.</param>
    public GroupCoordinatorShard(GroupCoordinatorOptions options, IGroupTopicMetadata topics, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        _options = options;
        _topics = topics;
        _random = random;
    }

    public GroupCoordinatorOptions Options => _options;

    /// <summary>Applies one record: the single way the shard's durable state changes, live and at load.</summary>
    public void Replay(GroupRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Value is { } value && value.Type != record.Key.Type)
        {
            throw new InvalidOperationException($"A {value.Type} value under a {record.Key.Type} key.");
        }

        if (!_groups.TryGetValue(record.Key.GroupId, out var group))
        {
            if (record.IsTombstone)
            {
                return; // compaction may keep a tombstone whose entity it already dropped
            }

            group = new ConsumerGroup(record.Key.GroupId);
            _groups.Add(group.GroupId, group);
        }

        group.Apply(record.Key, record.Value);
        if (group.HasNoRecords)
        {
            _groups.Remove(group.GroupId);
        }
    }

    /// <summary>
    /// Decodes and applies one record as read from the partition (<paramref name="valueIsNull"/>: a tombstone).
    /// The bytes are copied: a record's spans are views into a batch buffer the caller will reuse.
    /// </summary>
    public void Replay(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull) =>
        Replay(GroupRecordCodec.Decode(key.ToArray(), valueIsNull ? default : value.ToArray(), valueIsNull));

    /// <summary>
    /// Starts every member's clocks at <paramref name="nowMs"/> after the partition is loaded: members get a full
    /// session timeout (and, if releasing partitions, a full rebalance timeout) to reach the new coordinator.
    /// </summary>
    public void ResumeAfterLoad(long nowMs)
    {
        foreach (var group in _groups.Values)
        {
            foreach (var (memberId, member) in group.Members)
            {
                group.Timers[memberId] = new MemberTimers
                {
                    LastHeartbeatMs = nowMs,
                    SessionDeadlineMs = nowMs + member.SessionTimeoutMs,
                    RevocationDeadlineMs = group.CurrentOf(memberId).State == MemberState.UnrevokedPartitions
                        ? nowMs + member.RebalanceTimeoutMs
                        : null,
                };
            }
        }
    }

    /// <summary>
    /// The durable state as records, one per live key, groups in ordinal order: what a fully compacted partition
    /// would hold. Replaying them into a fresh shard reproduces this state.
    /// </summary>
    public IEnumerable<GroupRecord> LiveRecords() =>
        _groups.Values.OrderBy(g => g.GroupId, StringComparer.Ordinal).SelectMany(g => g.LiveRecords());

    private void Emit(List<GroupRecord> records, GroupRecord record)
    {
        records.Add(record);
        Replay(record);
    }

    private void Emit(List<GroupRecord> records, GroupRecordKey key, GroupRecordValue? value) => Emit(records, new GroupRecord(key, value));

    /// <summary>A fresh member id: 16 random bytes in URL-safe base64, as Kafka prints its UUIDs.</summary>
    private string NewMemberId(ConsumerGroup? group)
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            _random.NextBytes(bytes);
            var id = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            if (group is null || !group.Members.ContainsKey(id))
            {
                return id;
            }
        }
    }

    private static BrokerException Refuse(ErrorCode code, string message) => new(code, message);
}
