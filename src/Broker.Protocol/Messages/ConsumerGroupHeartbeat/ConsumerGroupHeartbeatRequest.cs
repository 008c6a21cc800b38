namespace Broker.Protocol.Messages.ConsumerGroupHeartbeat;

/// <summary>
/// ConsumerGroupHeartbeat v0 (Kafka's KIP-848): group_id string | member_id string | member_epoch int32 |
/// instance_id string (nullable) | rack_id string (nullable) | rebalance_timeout_ms int32 |
/// subscribed_topic_names [string] (nullable) | server_assignor string (nullable) |
/// topic_partitions [TopicPartitions] (nullable). The one call by which a member joins, stays alive, reports the
/// partitions it owns, receives its assignment and leaves. Nullable fields are null when unchanged since the
/// member's last heartbeat; a join (epoch 0) must send them all. See docs/protocol.md for the rules.
/// </summary>
public sealed class ConsumerGroupHeartbeatRequest : IRequestMessage<ConsumerGroupHeartbeatRequest>
{
    public static ApiKey ApiKey => ApiKey.ConsumerGroupHeartbeat;

    public required string GroupId { get; init; }

    /// <summary>Empty on the first join: the coordinator assigns one and the member sends it from then on.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>
    /// <see cref="ProtocolSentinels.JoinGroupMemberEpoch"/> to join, <see cref="ProtocolSentinels.LeaveGroupMemberEpoch"/>
    /// or <see cref="ProtocolSentinels.LeaveGroupStaticMemberEpoch"/> to leave, else the epoch last received.
    /// </summary>
    public int MemberEpoch { get; init; } = ProtocolSentinels.JoinGroupMemberEpoch;

    /// <summary>group.instance.id of a static member, whose assignment survives a restart; null for a dynamic member.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The member's rack, for rack-aware assignment; null if unchanged or none.</summary>
    public string? RackId { get; init; }

    /// <summary>How long the member may take to release revoked partitions, in milliseconds; -1 if unchanged.</summary>
    public int RebalanceTimeoutMs { get; init; } = ProtocolSentinels.UnchangedRebalanceTimeoutMs;

    /// <summary>The topics the member subscribes to; null if unchanged.</summary>
    public IReadOnlyList<string>? SubscribedTopicNames { get; init; }

    /// <summary><see cref="GroupWireValues.UniformAssignor"/> or <see cref="GroupWireValues.RangeAssignor"/>; null
    /// if unchanged (or, on a join, for the broker's default).</summary>
    public string? ServerAssignor { get; init; }

    /// <summary>The partitions the member owns now; null if unchanged.</summary>
    public IReadOnlyList<TopicPartitions>? TopicPartitions { get; init; }

    public static ConsumerGroupHeartbeatRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ConsumerGroupHeartbeat, version);
        return new ConsumerGroupHeartbeatRequest
        {
            GroupId = reader.ReadString(),
            MemberId = reader.ReadString(),
            MemberEpoch = reader.ReadInt32(),
            InstanceId = reader.ReadNullableString(),
            RackId = reader.ReadNullableString(),
            RebalanceTimeoutMs = reader.ReadInt32(),
            SubscribedTopicNames = reader.ReadNullableStringArray(),
            ServerAssignor = reader.ReadNullableString(),
            TopicPartitions = Messages.TopicPartitions.ReadNullableArray(ref reader),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.ConsumerGroupHeartbeat, version);
        writer.WriteString(GroupId);
        writer.WriteString(MemberId);
        writer.WriteInt32(MemberEpoch);
        writer.WriteString(InstanceId);
        writer.WriteString(RackId);
        writer.WriteInt32(RebalanceTimeoutMs);
        writer.WriteStringArray(SubscribedTopicNames);
        writer.WriteString(ServerAssignor);
        Messages.TopicPartitions.WriteArray(ref writer, TopicPartitions);
    }
}
