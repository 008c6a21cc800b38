using Broker.Server.Groups;

namespace Broker.Server.Hosting;

/// <summary>
/// The group coordinator's settings, under <c>Groups</c> in the broker's configuration (e.g.
/// <c>BROKER_Groups__SessionTimeoutMs</c>). Kafka's names in the comments; defaults are Kafka's except the heartbeat
/// interval, see <see cref="HeartbeatIntervalMs"/>.
/// </summary>
public sealed class GroupSettings
{
    /// <summary>offsets.topic.num.partitions: partitions of <c>__consumer_offsets</c> when the broker creates it.
    /// Fixed from then on: it decides which partition, and so which coordinator, holds a group.</summary>
    public int OffsetsTopicPartitions { get; set; } = 50;

    /// <summary>offsets.topic.replication.factor. Capped at the number of live brokers when the topic is created
    /// (Kafka refuses instead), so a single-node broker works without setup; the broker logs a warning then.</summary>
    public short OffsetsTopicReplicationFactor { get; set; } = 3;

    /// <summary>offsets.topic.segment.bytes: small segments let the cleaner compact the offsets topic early.</summary>
    public int OffsetsTopicSegmentBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>group.consumer.session.timeout.ms: a member silent this long is fenced and its partitions move.</summary>
    public int SessionTimeoutMs { get; set; } = 45_000;

    /// <summary>group.consumer.heartbeat.interval.ms. Kafka's default is 5 s; ours is 300 ms because a member learns
    /// of partitions handed to it at its next heartbeat, and reassignment after a leave should take under a second.
    /// A heartbeat that changes nothing writes nothing, so the cost is one small request per member and interval.</summary>
    public int HeartbeatIntervalMs { get; set; } = 300;

    /// <summary>group.consumer.max.size.</summary>
    public int GroupMembersMax { get; set; } = 10_000;

    /// <summary>group.consumer.assignors (the first): "uniform" or "range".</summary>
    public string DefaultAssignor { get; set; } = UniformAssignor.AssignorName;

    /// <summary>How often the coordinator looks for expired sessions and overdue revocations: the delay, beyond
    /// the session timeout, before a crashed member's partitions move.</summary>
    public int SessionCheckIntervalMs { get; set; } = 100;

    /// <summary>The coordinator options these settings give; throws ArgumentException naming a broken rule.</summary>
    public GroupCoordinatorOptions ToCoordinatorOptions()
    {
        var options = new GroupCoordinatorOptions
        {
            OffsetsTopicPartitions = OffsetsTopicPartitions,
            SessionTimeoutMs = SessionTimeoutMs,
            HeartbeatIntervalMs = HeartbeatIntervalMs,
            GroupMembersMax = GroupMembersMax,
            DefaultAssignor = DefaultAssignor,
        };
        options.Validate();
        if (OffsetsTopicReplicationFactor < 1 || OffsetsTopicSegmentBytes < 1024 * 1024 || SessionCheckIntervalMs < 1)
        {
            throw new ArgumentException("Invalid group settings: the offsets topic needs a replication factor of at least 1 and segments of at least 1 MiB, and the session check interval must be positive.");
        }

        return options;
    }
}
