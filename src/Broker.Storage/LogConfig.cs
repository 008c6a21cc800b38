using Broker.Core.Errors;
using Broker.Core.Records;

namespace Broker.Storage;

/// <summary>
/// Storage settings of one partition log, with Kafka's topic-config names and defaults and the unit last in each name.
/// The limits live here, once; <see cref="Validate"/> states how they relate and a test checks it.
/// Immutable: a changed topic config is a new instance given to <see cref="PartitionLog.UpdateConfig"/>.
/// </summary>
public sealed record LogConfig
{
    public const int SegmentBytesDefault = 1 << 30;

    /// <summary>Small enough for tests to roll often; one empty batch header is the smallest useful segment.</summary>
    public const int SegmentBytesMin = RecordBatchLayout.HeaderBytes;

    public const long SegmentMsDefault = 7L * 24 * 60 * 60 * 1000;
    public const int IndexIntervalBytesDefault = 4096;
    public const int IndexBytesMaxDefault = 10 << 20;

    /// <summary>Two time-index entries: one for appends and the one always kept free for the closing entry.</summary>
    public const int IndexBytesMin = 2 * TimeIndex.EntryBytes;

    public const long RetentionMsDefault = 7L * 24 * 60 * 60 * 1000;

    /// <summary>Kafka's message.max.bytes default: 1 MiB of records plus the 12-byte log overhead.</summary>
    public const int MaxMessageBytesDefault = (1 << 20) + RecordBatchLayout.LogOverheadBytes;

    /// <summary>One second of page-cache data at risk bounds the recovery scan after a crash to about one second of
    /// appends, while costing one fsync per partition per second.</summary>
    public const long FlushIntervalMsDefault = 1000;

    /// <summary>Kafka's file.delete.delay.ms: how long a removed segment stays readable for in-flight reads.</summary>
    public const long FileDeleteDelayMsDefault = 60_000;

    /// <summary>-1 disables time- or size-based retention (Kafka's convention).</summary>
    public const long Unlimited = -1;

    public static LogConfig Default { get; } = new();

    /// <summary>segment.bytes: a segment rolls before an append would grow it past this. Positions in the offset
    /// index are int32, so a segment never exceeds 2 GiB.</summary>
    public int SegmentBytes { get; init; } = SegmentBytesDefault;

    /// <summary>segment.ms: a non-empty segment older than this rolls on the next append.</summary>
    public long SegmentMs { get; init; } = SegmentMsDefault;

    /// <summary>index.interval.bytes: bytes of batches between two sparse index entries.</summary>
    public int IndexIntervalBytes { get; init; } = IndexIntervalBytesDefault;

    /// <summary>segment.index.bytes: preallocated size of each index file; a full index rolls the segment.</summary>
    public int IndexBytesMax { get; init; } = IndexBytesMaxDefault;

    /// <summary>retention.ms: segments whose newest timestamp is older are deleted; -1 keeps them.</summary>
    public long RetentionMs { get; init; } = RetentionMsDefault;

    /// <summary>retention.bytes: oldest segments are deleted while the log is larger; -1 keeps them.</summary>
    public long RetentionBytes { get; init; } = Unlimited;

    /// <summary>max.message.bytes: the largest batch a producer may append, log overhead included.</summary>
    public int MaxMessageBytes { get; init; } = MaxMessageBytesDefault;

    public FlushPolicy Flush { get; init; } = FlushPolicy.Replication;

    /// <summary>flush.ms: background fsync interval under <see cref="FlushPolicy.Replication"/>.</summary>
    public long FlushIntervalMs { get; init; } = FlushIntervalMsDefault;

    /// <summary>message.timestamp.type: LogAppendTime makes the broker stamp each batch with its clock.</summary>
    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>file.delete.delay.ms: delay between removing a segment from the log and deleting its files.</summary>
    public long FileDeleteDelayMs { get; init; } = FileDeleteDelayMsDefault;

    /// <summary>Throws <see cref="BrokerException"/> (InvalidConfig) when a value or a relation between values is
    /// impossible.</summary>
    public LogConfig Validate()
    {
        Require(SegmentBytes >= SegmentBytesMin, $"SegmentBytes {SegmentBytes} is below {SegmentBytesMin}.");
        Require(SegmentMs > 0, $"SegmentMs {SegmentMs} must be positive.");
        Require(IndexIntervalBytes > 0, $"IndexIntervalBytes {IndexIntervalBytes} must be positive.");
        Require(IndexBytesMax >= IndexBytesMin, $"IndexBytesMax {IndexBytesMax} is below {IndexBytesMin}.");
        Require(RetentionMs >= Unlimited, $"RetentionMs {RetentionMs} must be -1 or at least 0.");
        Require(RetentionBytes >= Unlimited, $"RetentionBytes {RetentionBytes} must be -1 or at least 0.");
        Require(MaxMessageBytes >= RecordBatchLayout.HeaderBytes, $"MaxMessageBytes {MaxMessageBytes} is below one batch header.");
        Require(FlushIntervalMs > 0, $"FlushIntervalMs {FlushIntervalMs} must be positive.");
        Require(FileDeleteDelayMs >= 0, $"FileDeleteDelayMs {FileDeleteDelayMs} must not be negative.");
        Require(Enum.IsDefined(Flush), $"Flush policy {Flush} is unknown.");
        Require(Enum.IsDefined(MessageTimestampType), $"Timestamp type {MessageTimestampType} is unknown.");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new BrokerException(ErrorCode.InvalidConfig, message);
        }
    }
}
