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

    /// <summary>Appended bytes after which a segment asks the OS to start writing them to disk (RocksDB's
    /// bytes_per_sync): dirty pages then leave the cache in small steps as they arrive instead of in one burst at the
    /// next fsync or kernel writeback, which on a loaded machine stalls every process for tens of milliseconds.</summary>
    public const int WritebackBytesDefault = 1 << 20;

    /// <summary>One x86 page: a smaller step would still make one call per page.</summary>
    public const int WritebackBytesMin = 4096;

    /// <summary>How much of a log's newest data stays in the page cache once written back; older pages are dropped
    /// from it (<c>posix_fadvise(DONTNEED)</c>) as appends go on, so the cache the log uses is recycled instead of
    /// grown with fresh memory. On a VM that hands free memory back to its host (free page reporting, a balloon),
    /// every fresh page costs a fault on the host the first time it is written: measured here, growing the cache
    /// made the kernel's copy into it 15 times slower than into reused pages, and dropping behind a 256 MiB window lifted
    /// produce throughput by 35-70%. Readers within the window (the tail, a consumer a few seconds behind) are
    /// served from memory; older data is read from disk. 256 MiB per partition is a few seconds of a busy one.</summary>
    public const int PageCacheWindowBytesDefault = 256 << 20;

    /// <summary>Drops are asked for in steps of at least this many bytes: one call per MiB of appends.</summary>
    public const int PageCacheDropStepBytes = 1 << 20;

    /// <summary>Kafka's file.delete.delay.ms: how long a removed segment stays readable for in-flight reads.</summary>
    public const long FileDeleteDelayMsDefault = 60_000;

    /// <summary>-1 disables time- or size-based retention (Kafka's convention).</summary>
    public const long Unlimited = -1;

    /// <summary>Kafka's delete.retention.ms: one day for a consumer that read a key to also see its tombstone.</summary>
    public const long DeleteRetentionMsDefault = 24L * 60 * 60 * 1000;

    /// <summary>Kafka's min.cleanable.dirty.ratio: clean once half the cleanable bytes are dirty, which bounds the
    /// cleaner's rewriting to about twice the bytes appended.</summary>
    public const double MinCleanableDirtyRatioDefault = 0.5;

    /// <summary>Kafka's producer.id.expiration.ms: a day of silence before an idempotent producer whose batches have
    /// all left the log is forgotten.</summary>
    public const long ProducerIdExpirationMsDefault = 24L * 60 * 60 * 1000;

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

    /// <summary>min.insync.replicas: with acks=all, writes are refused while fewer replicas are in sync. The log itself
    /// does not use it (replication does); it is kept with the topic's other configs, as in Kafka's LogConfig, so a
    /// broker-wide default reaches it the same way.</summary>
    public int MinInsyncReplicas { get; init; } = 1;

    public FlushPolicy Flush { get; init; } = FlushPolicy.Replication;

    /// <summary>flush.ms: background fsync interval under <see cref="FlushPolicy.Replication"/>.</summary>
    public long FlushIntervalMs { get; init; } = FlushIntervalMsDefault;

    /// <summary>message.timestamp.type: LogAppendTime makes the broker stamp each batch with its clock.</summary>
    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>file.delete.delay.ms: delay between removing a segment from the log and deleting its files.</summary>
    public long FileDeleteDelayMs { get; init; } = FileDeleteDelayMsDefault;

    /// <summary>cleanup.policy: retention (Delete), compaction (Compact), or both.</summary>
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary>delete.retention.ms: how long a tombstone survives after the cleaner first saw it, so a consumer that
    /// read the key's earlier value has that long to read its deletion too.</summary>
    public long DeleteRetentionMs { get; init; } = DeleteRetentionMsDefault;

    /// <summary>min.cleanable.dirty.ratio: the cleaner picks a compacted log only when dirty bytes (appended since the
    /// last cleaning) are at least this share of the cleanable bytes.</summary>
    public double MinCleanableDirtyRatio { get; init; } = MinCleanableDirtyRatioDefault;

    /// <summary>min.compaction.lag.ms: a segment whose newest record is younger than this is not compacted yet.</summary>
    public long MinCompactionLagMs { get; init; }

    /// <summary>producer.id.expiration.ms (a broker setting in Kafka, applied per log here): how long an idempotent
    /// producer with no batch left in the log may stay silent before its state is dropped.</summary>
    public long ProducerIdExpirationMs { get; init; } = ProducerIdExpirationMsDefault;

    /// <summary>A broker setting applied per log (no topic config): see <see cref="WritebackBytesDefault"/>; 0 leaves
    /// writeback to the kernel's own schedule. Linux only: elsewhere nothing is asked of the OS.</summary>
    public int WritebackBytes { get; init; } = WritebackBytesDefault;

    /// <summary>A broker setting applied per log (no topic config): see <see cref="PageCacheWindowBytesDefault"/>; 0
    /// leaves the page cache to the kernel, as Kafka does. Linux only.</summary>
    public int PageCacheWindowBytes { get; init; } = PageCacheWindowBytesDefault;

    /// <summary>True when the log cleaner compacts this log.</summary>
    public bool Compacts => (CleanupPolicy & CleanupPolicy.Compact) != 0;

    /// <summary>True when time and size retention apply (Kafka applies neither to a compact-only topic).</summary>
    public bool Deletes => (CleanupPolicy & CleanupPolicy.Delete) != 0;

    /// <summary>Throws <see cref="BrokerException"/> (InvalidConfig) when a value or a relation between values is
    /// impossible.</summary>
    public LogConfig Validate()
    {
        Require(SegmentBytes >= SegmentBytesMin, $"SegmentBytes {SegmentBytes} is below {SegmentBytesMin}.");
        Require(SegmentMs > 0, $"SegmentMs {SegmentMs} must be positive.");
        Require(MinInsyncReplicas >= 1, $"MinInsyncReplicas {MinInsyncReplicas} must be at least 1.");
        Require(IndexIntervalBytes > 0, $"IndexIntervalBytes {IndexIntervalBytes} must be positive.");
        Require(IndexBytesMax >= IndexBytesMin, $"IndexBytesMax {IndexBytesMax} is below {IndexBytesMin}.");
        Require(RetentionMs >= Unlimited, $"RetentionMs {RetentionMs} must be -1 or at least 0.");
        Require(RetentionBytes >= Unlimited, $"RetentionBytes {RetentionBytes} must be -1 or at least 0.");
        Require(WritebackBytes == 0 || WritebackBytes >= WritebackBytesMin, $"WritebackBytes {WritebackBytes} must be 0 (off) or at least {WritebackBytesMin}.");
        Require(PageCacheWindowBytes == 0 || PageCacheWindowBytes >= PageCacheDropStepBytes, $"PageCacheWindowBytes {PageCacheWindowBytes} must be 0 (off) or at least {PageCacheDropStepBytes}.");
        Require(MaxMessageBytes >= RecordBatchLayout.HeaderBytes, $"MaxMessageBytes {MaxMessageBytes} is below one batch header.");
        Require(FlushIntervalMs > 0, $"FlushIntervalMs {FlushIntervalMs} must be positive.");
        Require(FileDeleteDelayMs >= 0, $"FileDeleteDelayMs {FileDeleteDelayMs} must not be negative.");
        Require(Enum.IsDefined(Flush), $"Flush policy {Flush} is unknown.");
        Require(Enum.IsDefined(MessageTimestampType), $"Timestamp type {MessageTimestampType} is unknown.");
        Require(CleanupPolicy != 0 && (CleanupPolicy & ~(CleanupPolicy.Delete | CleanupPolicy.Compact)) == 0, $"Cleanup policy {CleanupPolicy} is not Delete, Compact or both.");
        Require(DeleteRetentionMs >= 0, $"DeleteRetentionMs {DeleteRetentionMs} must not be negative.");
        Require(MinCleanableDirtyRatio is >= 0 and <= 1, $"MinCleanableDirtyRatio {MinCleanableDirtyRatio} is not between 0 and 1.");
        Require(ProducerIdExpirationMs > 0, $"ProducerIdExpirationMs {ProducerIdExpirationMs} must be positive.");
        Require(MinCompactionLagMs >= 0, $"MinCompactionLagMs {MinCompactionLagMs} must not be negative.");
        // The horizon of a tombstone is its clean time plus DeleteRetentionMs, in epoch milliseconds: keep it a long.
        Require(DeleteRetentionMs <= long.MaxValue / 2, $"DeleteRetentionMs {DeleteRetentionMs} is too large to add to a timestamp.");
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
