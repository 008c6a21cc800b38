namespace Broker.Server.Groups;

/// <summary>
/// The coordinator's settings and limits, in one place, with Kafka's names and defaults where Kafka has the setting.
/// <see cref="Validate"/> asserts how they relate; a shard refuses options that fail it.
/// </summary>
public sealed record GroupCoordinatorOptions
{
    /// <summary>Kafka: <c>offsets.topic.num.partitions</c>. Fixed once the topic exists: it decides which partition holds a group.</summary>
    public int OffsetsTopicPartitions { get; init; } = 50;

    /// <summary>Kafka: <c>group.consumer.session.timeout.ms</c>. A member silent for longer is fenced.</summary>
    public int SessionTimeoutMs { get; init; } = 45_000;

    /// <summary>Kafka: <c>group.consumer.heartbeat.interval.ms</c>. Sent to members in every heartbeat response.</summary>
    public int HeartbeatIntervalMs { get; init; } = 5_000;

    /// <summary>
    /// Kafka: <c>group.consumer.max.size</c> (unbounded there). Bounded here because every membership change
    /// recomputes the target over all members and partitions within one request.
    /// </summary>
    public int GroupMembersMax { get; init; } = 10_000;

    /// <summary>
    /// Used when a joining member sends none (-1). Kafka's clients send their <c>max.poll.interval.ms</c>, whose
    /// default this is: a member that does not release revoked partitions within it is fenced.
    /// </summary>
    public int RebalanceTimeoutDefaultMs { get; init; } = 300_000;

    /// <summary>Kafka: <c>offset.metadata.max.bytes</c>. Caps the client string stored with each commit.</summary>
    public int OffsetMetadataCharsMax { get; init; } = 4_096;

    /// <summary>Kafka: the first of <c>group.consumer.assignors</c>. Used unless members prefer another.</summary>
    public string DefaultAssignor { get; init; } = UniformAssignor.AssignorName;

    /// <summary>
    /// A join carrying the instance id of a present member takes that member over once it has been silent this
    /// long: two missed heartbeats say the old incarnation is gone (a crash without a static leave), while a live
    /// one heartbeats within every interval and keeps its id (the newcomer gets UNRELEASED_INSTANCE_ID).
    /// </summary>
    public int StaticMemberTakeoverSilenceMs => 2 * HeartbeatIntervalMs;

    /// <summary>Checks the relations the coordinator relies on; throws ArgumentException naming the broken one.</summary>
    public void Validate()
    {
        Require(OffsetsTopicPartitions > 0, "offsets.topic.num.partitions must be positive");
        Require(HeartbeatIntervalMs > 0, "the heartbeat interval must be positive");
        Require(
            SessionTimeoutMs > StaticMemberTakeoverSilenceMs,
            "the session timeout must exceed two heartbeat intervals, or a live member could be taken over or fenced between two heartbeats");
        Require(GroupMembersMax > 0, "the group size limit must be positive");
        Require(RebalanceTimeoutDefaultMs > 0, "the default rebalance timeout must be positive");
        Require(OffsetMetadataCharsMax >= 0, "the offset metadata limit cannot be negative");
        Require(PartitionAssignors.Find(DefaultAssignor) is not null, $"the default assignor '{DefaultAssignor}' is unknown");
    }

    private static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid group coordinator options: {rule}.");
        }
    }
}
