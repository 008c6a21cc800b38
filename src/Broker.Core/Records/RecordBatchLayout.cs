namespace Broker.Core.Records;

/// <summary>
/// Byte positions of Kafka's RecordBatch v2 (magic 2) header. All integers big-endian.
/// <code>
///  0 baseOffset int64        | 8 batchLength int32 (bytes after this field)
/// 12 partitionLeaderEpoch    | 16 magic int8 = 2 | 17 crc uint32 (CRC-32C of attributes..end)
/// 21 attributes int16        | 23 lastOffsetDelta int32
/// 27 baseTimestamp int64     | 35 maxTimestamp int64
/// 43 producerId int64        | 51 producerEpoch int16 | 53 baseSequence int32
/// 57 recordCount int32       | 61 records (varint-framed; compressed as one block when a codec is set)
/// </code>
/// </summary>
public static class RecordBatchLayout
{
    public const int BaseOffsetOffset = 0;
    public const int BatchLengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordCountOffset = 57;
    public const int RecordsOffset = 61;

    /// <summary>Size of the header, and so of the smallest (empty) batch.</summary>
    public const int HeaderBytes = RecordsOffset;

    /// <summary>baseOffset + batchLength: the bytes not counted by batchLength. Kafka's LOG_OVERHEAD.</summary>
    public const int LogOverheadBytes = 12;

    /// <summary>The smallest legal batchLength: a header with no records.</summary>
    public const int BatchLengthMin = HeaderBytes - LogOverheadBytes;

    public const byte CurrentMagic = 2;

    /// <summary>The smallest encoded record: length, attributes, timestamp delta, offset delta, key length,
    /// value length and header count, one byte each. Bounds a plausible record count without decoding.</summary>
    public const int RecordBytesMin = 7;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;
    public const short DeleteHorizonFlag = 0x40;

    /// <summary>producerId, producerEpoch and baseSequence of a batch from a non-idempotent producer.</summary>
    public const long NoProducerId = -1;
    public const short NoProducerEpoch = -1;
    public const int NoSequence = -1;
}
