namespace Broker.Core.Errors;

/// <summary>Facts about <see cref="ErrorCode"/> values.</summary>
public static class ErrorCodes
{
    /// <summary>
    /// True when the same request may succeed if sent again later (leadership moved, a replica caught up, a
    /// timeout). Clients retry only these; every other error is returned to the application.
    /// </summary>
    public static bool IsRetriable(ErrorCode code) => code switch
    {
        ErrorCode.CorruptMessage => true, // Kafka retries it: the bytes may have been damaged in transit.
        ErrorCode.UnknownTopicOrPartition => true, // metadata may not have propagated yet
        ErrorCode.LeaderNotAvailable => true,
        ErrorCode.NotLeaderOrFollower => true,
        ErrorCode.RequestTimedOut => true,
        ErrorCode.NotEnoughReplicas => true,
        ErrorCode.NotEnoughReplicasAfterAppend => true,
        ErrorCode.StorageError => true,
        ErrorCode.FencedLeaderEpoch => true, // the client's metadata is older than the leader's: refresh and retry
        ErrorCode.UnknownLeaderEpoch => true, // the client's metadata is newer than this broker's: it will catch up
        ErrorCode.CoordinatorLoadInProgress => true,
        ErrorCode.CoordinatorNotAvailable => true,
        ErrorCode.NotCoordinator => true,
        _ => false,
    };

    /// <summary>
    /// Kafka's name for the code (e.g. <c>NOT_LEADER_OR_FOLLOWER</c>), so logs and the CLI read the same as the
    /// Kafka documentation operators already know. A number this build does not define reads <c>UNKNOWN_CODE_n</c>.
    /// </summary>
    public static string Name(ErrorCode code) => code switch
    {
        ErrorCode.UnknownServerError => "UNKNOWN_SERVER_ERROR",
        ErrorCode.None => "NONE",
        ErrorCode.OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
        ErrorCode.CorruptMessage => "CORRUPT_MESSAGE",
        ErrorCode.UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
        ErrorCode.InvalidFetchSize => "INVALID_FETCH_SIZE",
        ErrorCode.LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
        ErrorCode.NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
        ErrorCode.RequestTimedOut => "REQUEST_TIMED_OUT",
        ErrorCode.MessageTooLarge => "MESSAGE_TOO_LARGE",
        ErrorCode.OffsetMetadataTooLarge => "OFFSET_METADATA_TOO_LARGE",
        ErrorCode.InvalidTopic => "INVALID_TOPIC_EXCEPTION",
        ErrorCode.RecordListTooLarge => "RECORD_LIST_TOO_LARGE",
        ErrorCode.NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
        ErrorCode.NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        ErrorCode.InvalidRequiredAcks => "INVALID_REQUIRED_ACKS",
        ErrorCode.InvalidTimestamp => "INVALID_TIMESTAMP",
        ErrorCode.UnsupportedVersion => "UNSUPPORTED_VERSION",
        ErrorCode.TopicAlreadyExists => "TOPIC_ALREADY_EXISTS",
        ErrorCode.InvalidPartitions => "INVALID_PARTITIONS",
        ErrorCode.InvalidReplicationFactor => "INVALID_REPLICATION_FACTOR",
        ErrorCode.InvalidConfig => "INVALID_CONFIG",
        ErrorCode.InvalidRequest => "INVALID_REQUEST",
        ErrorCode.OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
        ErrorCode.DuplicateSequenceNumber => "DUPLICATE_SEQUENCE_NUMBER",
        ErrorCode.InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
        ErrorCode.UnknownProducerId => "UNKNOWN_PRODUCER_ID",
        ErrorCode.StorageError => "KAFKA_STORAGE_ERROR",
        ErrorCode.FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
        ErrorCode.UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
        ErrorCode.CoordinatorLoadInProgress => "COORDINATOR_LOAD_IN_PROGRESS",
        ErrorCode.CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
        ErrorCode.NotCoordinator => "NOT_COORDINATOR",
        ErrorCode.IllegalGeneration => "ILLEGAL_GENERATION",
        ErrorCode.InvalidGroupId => "INVALID_GROUP_ID",
        ErrorCode.UnknownMemberId => "UNKNOWN_MEMBER_ID",
        ErrorCode.InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
        ErrorCode.NonEmptyGroup => "NON_EMPTY_GROUP",
        ErrorCode.GroupIdNotFound => "GROUP_ID_NOT_FOUND",
        ErrorCode.GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED",
        ErrorCode.FencedMemberEpoch => "FENCED_MEMBER_EPOCH",
        ErrorCode.UnreleasedInstanceId => "UNRELEASED_INSTANCE_ID",
        ErrorCode.UnsupportedAssignor => "UNSUPPORTED_ASSIGNOR",
        ErrorCode.StaleMemberEpoch => "STALE_MEMBER_EPOCH",
        ErrorCode.UnsupportedCompressionType => "UNSUPPORTED_COMPRESSION_TYPE",
        ErrorCode.InvalidRecord => "INVALID_RECORD",
        _ => $"UNKNOWN_CODE_{(short)code}",
    };

    /// <summary>One sentence for an operator or an application log: what went wrong, in the client's terms.</summary>
    public static string Describe(ErrorCode code) => code switch
    {
        ErrorCode.UnknownServerError => "The server hit an unexpected error while handling the request.",
        ErrorCode.None => "No error.",
        ErrorCode.OffsetOutOfRange => "The requested offset is outside the range the partition holds.",
        ErrorCode.CorruptMessage => "A record batch failed its CRC or size checks.",
        ErrorCode.UnknownTopicOrPartition => "This server does not host the topic or partition.",
        ErrorCode.InvalidFetchSize => "The requested fetch size is not valid.",
        ErrorCode.LeaderNotAvailable => "The partition has no leader at the moment (an election is in progress).",
        ErrorCode.NotLeaderOrFollower => "This server is not the leader (or a follower) of the partition.",
        ErrorCode.RequestTimedOut => "The request did not complete within its timeout.",
        ErrorCode.MessageTooLarge => "A record batch is larger than the topic's maximum.",
        ErrorCode.OffsetMetadataTooLarge => "The metadata string committed with an offset is longer than the coordinator allows.",
        ErrorCode.InvalidTopic => "The topic name is not valid, or the operation is not allowed on it.",
        ErrorCode.RecordListTooLarge => "The records of one partition in a request are larger than the limit.",
        ErrorCode.NotEnoughReplicas => "Fewer in-sync replicas than min.insync.replicas: the write was refused.",
        ErrorCode.NotEnoughReplicasAfterAppend => "The write was appended but the in-sync replicas fell below the minimum.",
        ErrorCode.InvalidRequiredAcks => "The acks value is not 0, 1 or -1 (all).",
        ErrorCode.InvalidTimestamp => "A record timestamp is outside the range the topic accepts.",
        ErrorCode.UnsupportedVersion => "The server does not support this version of the API.",
        ErrorCode.TopicAlreadyExists => "A topic of that name already exists.",
        ErrorCode.InvalidPartitions => "The partition count is not valid (zero, negative, or a decrease).",
        ErrorCode.InvalidReplicationFactor => "The replication factor is not valid or exceeds the live brokers.",
        ErrorCode.InvalidConfig => "A configuration key or value is not valid.",
        ErrorCode.InvalidRequest => "The request is malformed or not allowed in this context.",
        ErrorCode.OutOfOrderSequenceNumber => "The broker received a batch whose sequence number does not follow the producer's last one.",
        ErrorCode.DuplicateSequenceNumber => "The broker already has this batch of the producer (a duplicate it can no longer place).",
        ErrorCode.InvalidProducerEpoch => "The producer's epoch is older than the one the broker knows for its producer id.",
        ErrorCode.UnknownProducerId => "The broker holds no state for this producer id and the batch does not start at sequence 0.",
        ErrorCode.StorageError => "The partition's log directory is unavailable on this server.",
        ErrorCode.FencedLeaderEpoch => "The request's leader epoch is older than the leader's: refresh metadata.",
        ErrorCode.UnknownLeaderEpoch => "The request's leader epoch is newer than this server knows.",
        ErrorCode.CoordinatorLoadInProgress => "The group coordinator is still loading the group's state; retry shortly.",
        ErrorCode.CoordinatorNotAvailable => "No group coordinator is available for the group right now.",
        ErrorCode.NotCoordinator => "This broker is not the coordinator of the group; find the coordinator again.",
        ErrorCode.IllegalGeneration => "The member's generation does not match the group's.",
        ErrorCode.InvalidGroupId => "The group id is empty or invalid.",
        ErrorCode.UnknownMemberId => "The coordinator does not know this member; rejoin the group.",
        ErrorCode.InvalidSessionTimeout => "The session timeout is outside the range the broker allows.",
        ErrorCode.NonEmptyGroup => "The group still has members.",
        ErrorCode.GroupIdNotFound => "The group does not exist.",
        ErrorCode.GroupMaxSizeReached => "The group has as many members as the broker allows.",
        ErrorCode.FencedMemberEpoch => "The member's epoch is fenced; it must rejoin the group with epoch 0.",
        ErrorCode.UnreleasedInstanceId => "The static instance id is still held by another member.",
        ErrorCode.UnsupportedAssignor => "The broker has no assignor of that name.",
        ErrorCode.StaleMemberEpoch => "The member epoch in the offset commit is older than the member's current epoch.",
        ErrorCode.UnsupportedCompressionType => "The record batch uses a compression codec this server does not support.",
        ErrorCode.InvalidRecord => "A record failed validation and the batch was refused.",
        _ => $"Error code {(short)code} is not defined by this version.",
    };
}
