namespace Broker.Protocol;

/// <summary>The special values fields take on the wire, in one place, Kafka's where Kafka has one.</summary>
public static class ProtocolSentinels
{
    /// <summary>replica_id of a Fetch or ListOffsets from a consumer rather than a follower replica.</summary>
    public const int ConsumerReplicaId = -1;

    /// <summary>A node id (leader, controller) that is not known or does not exist.</summary>
    public const int NoNodeId = -1;

    /// <summary>A leader epoch the sender does not know or does not want checked.</summary>
    public const int NoLeaderEpoch = -1;

    /// <summary>An offset that is not known (an error partition, a follower-only field from a consumer).</summary>
    public const long NoOffset = -1;

    /// <summary>A timestamp that is not known, or LogAppendTime not in use.</summary>
    public const long NoTimestamp = -1;

    /// <summary>ListOffsets timestamp asking for the log start offset.</summary>
    public const long EarliestTimestamp = -2;

    /// <summary>ListOffsets timestamp asking for the offset the next record will get (the high watermark for consumers).</summary>
    public const long LatestTimestamp = -1;

    /// <summary>CreateTopics num_partitions meaning "the broker's num.partitions".</summary>
    public const int DefaultPartitionCount = -1;

    /// <summary>CreateTopics replication_factor meaning "the broker's default.replication.factor".</summary>
    public const short DefaultReplicationFactor = -1;

    /// <summary>ConsumerGroupHeartbeat member_epoch of a member joining (or rejoining after being fenced).</summary>
    public const int JoinGroupMemberEpoch = 0;

    /// <summary>ConsumerGroupHeartbeat member_epoch of a member leaving the group for good.</summary>
    public const int LeaveGroupMemberEpoch = -1;

    /// <summary>
    /// ConsumerGroupHeartbeat member_epoch of a static member (one with an instance_id) leaving for a moment, as on a
    /// rolling restart: the coordinator keeps its assignment for the session timeout, for the same instance_id.
    /// </summary>
    public const int LeaveGroupStaticMemberEpoch = -2;

    /// <summary>
    /// OffsetCommit generation_id_or_member_epoch and OffsetFetch member_epoch from a consumer outside any group's
    /// membership (a simple consumer that assigns itself partitions), or from an admin tool.
    /// </summary>
    public const int NoMemberEpoch = -1;

    /// <summary>ConsumerGroupHeartbeat rebalance_timeout_ms meaning "keep the value sent before".</summary>
    public const int UnchangedRebalanceTimeoutMs = -1;

    /// <summary>DescribeGroups authorized_operations when the request did not ask for them (Kafka's value).</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    /// <summary>FindCoordinator port when no coordinator was found.</summary>
    public const int NoPort = -1;

    /// <summary>InitProducerId producer_id asking for a new producer id (and in a response on an error).</summary>
    public const long NoProducerId = -1;

    /// <summary>InitProducerId producer_epoch sent with <see cref="NoProducerId"/> (and in a response on an error).</summary>
    public const short NoProducerEpoch = -1;

    /// <summary>InitProducerId transaction_timeout_ms of an idempotent producer without transactions (Kafka's
    /// client sends its default, 60 s, which the broker ignores then).</summary>
    public const int NoTransactionTimeoutMs = -1;
}
