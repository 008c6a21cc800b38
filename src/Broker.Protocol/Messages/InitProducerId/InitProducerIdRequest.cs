namespace Broker.Protocol.Messages.InitProducerId;

/// <summary>
/// InitProducerId v0: transactional_id string (nullable) | transaction_timeout_ms int32 | producer_id int64 |
/// producer_epoch int16. An idempotent producer sends it once before its first Produce and gets a producer id unique
/// in the cluster, for good (ids come from blocks the controller records in the metadata log). Any broker answers it.
/// <see cref="TransactionalId"/> must be null: transactions are not supported, and a non-null id is refused with
/// INVALID_REQUEST. <see cref="ProducerId"/> and <see cref="ProducerEpoch"/> are both -1 (a new producer) or both set
/// (a producer whose epoch ran out asking for a new id, as Kafka's client does); either way a fresh id is returned.
/// </summary>
public sealed class InitProducerIdRequest : IRequestMessage<InitProducerIdRequest>
{
    public static ApiKey ApiKey => ApiKey.InitProducerId;

    /// <summary>Kafka's transactional.id; must be null here.</summary>
    public string? TransactionalId { get; init; }

    /// <summary>Kafka's transaction timeout; ignored without transactions.</summary>
    public int TransactionTimeoutMs { get; init; } = ProtocolSentinels.NoTransactionTimeoutMs;

    /// <summary>The producer's current id, or <see cref="ProtocolSentinels.NoProducerId"/> for a new producer.</summary>
    public long ProducerId { get; init; } = ProtocolSentinels.NoProducerId;

    /// <summary>The producer's current epoch, or <see cref="ProtocolSentinels.NoProducerEpoch"/> for a new producer.</summary>
    public short ProducerEpoch { get; init; } = ProtocolSentinels.NoProducerEpoch;

    public static InitProducerIdRequest Read(ref ProtocolReader reader, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.InitProducerId, version);
        return new InitProducerIdRequest
        {
            TransactionalId = reader.ReadNullableString(),
            TransactionTimeoutMs = reader.ReadInt32(),
            ProducerId = reader.ReadInt64(),
            ProducerEpoch = reader.ReadInt16(),
        };
    }

    public void Write(ref ProtocolWriter writer, short version)
    {
        ApiVersionsTable.EnsureSupported(ApiKey.InitProducerId, version);
        writer.WriteString(TransactionalId);
        writer.WriteInt32(TransactionTimeoutMs);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
    }
}
