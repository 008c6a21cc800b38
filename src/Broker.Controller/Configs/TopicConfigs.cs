using System.Collections.Frozen;
using System.Globalization;
using Broker.Core.Errors;
using Broker.Core.Records;
using Broker.Storage;

namespace Broker.Controller.Configs;

/// <summary>
/// The topic configuration keys this broker knows, with Kafka's names. The metadata log stores only keys a topic
/// sets; the effective <see cref="LogConfig"/> is the broker's defaults with those applied. Every value is checked
/// here before the controller writes it, so a bad value is refused with INVALID_CONFIG and never reaches a log.
/// </summary>
public static class TopicConfigs
{
    public const string RetentionMs = "retention.ms";
    public const string RetentionBytes = "retention.bytes";
    public const string SegmentBytes = "segment.bytes";
    public const string SegmentMs = "segment.ms";
    public const string CleanupPolicy = "cleanup.policy";
    public const string Flush = "flush";
    public const string FlushMs = "flush.ms";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string MinInsyncReplicas = "min.insync.replicas";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string IndexIntervalBytes = "index.interval.bytes";
    public const string SegmentIndexBytes = "segment.index.bytes";
    public const string FileDeleteDelayMs = "file.delete.delay.ms";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
    public const string MinCompactionLagMs = "min.compaction.lag.ms";

    private static readonly FrozenDictionary<string, TopicConfigKey> Keys = new TopicConfigKey[]
    {
        new(RetentionMs, "Delete segments whose newest record is older than this; -1 keeps them.", c => Text(c.RetentionMs), (c, v) => c with { RetentionMs = Long(RetentionMs, v, -1) }),
        new(RetentionBytes, "Delete the oldest segments while the partition is larger than this; -1 keeps them.", c => Text(c.RetentionBytes), (c, v) => c with { RetentionBytes = Long(RetentionBytes, v, -1) }),
        new(SegmentBytes, "Roll to a new segment file before one grows past this many bytes.", c => Text(c.SegmentBytes), (c, v) => c with { SegmentBytes = Int(SegmentBytes, v, LogConfig.SegmentBytesMin) }),
        new(SegmentMs, "Roll to a new segment file once the active one is this old.", c => Text(c.SegmentMs), (c, v) => c with { SegmentMs = Long(SegmentMs, v, 1) }),
        new(CleanupPolicy, "'delete': retention removes old segments; 'compact': the cleaner keeps the last record of each key; 'compact,delete': both.", c => CleanupPolicyText(c.CleanupPolicy), (c, v) => c with { CleanupPolicy = ParseCleanupPolicy(v) }),
        new(DeleteRetentionMs, "How long a tombstone stays readable after the cleaner first kept it (compacted topics).", c => Text(c.DeleteRetentionMs), (c, v) => c with { DeleteRetentionMs = Long(DeleteRetentionMs, v, 0) }),
        new(MinCleanableDirtyRatio, "Compact once this share of the cleanable bytes is dirty (0 to 1).", c => c.MinCleanableDirtyRatio.ToString(CultureInfo.InvariantCulture), (c, v) => c with { MinCleanableDirtyRatio = Ratio(MinCleanableDirtyRatio, v) }),
        new(MinCompactionLagMs, "Leave records younger than this uncompacted.", c => Text(c.MinCompactionLagMs), (c, v) => c with { MinCompactionLagMs = Long(MinCompactionLagMs, v, 0) }),
        new(Flush, "'replication': acknowledge once the bytes are in the page cache, fsync in the background; 'always': fsync before acknowledging.", c => c.Flush == FlushPolicy.Always ? "always" : "replication", (c, v) => c with { Flush = ParseFlush(v) }),
        new(FlushMs, "Background fsync interval under flush=replication.", c => Text(c.FlushIntervalMs), (c, v) => c with { FlushIntervalMs = Long(FlushMs, v, 1) }),
        new(MaxMessageBytes, "The largest record batch a producer may append, in bytes.", c => Text(c.MaxMessageBytes), (c, v) => c with { MaxMessageBytes = Int(MaxMessageBytes, v, RecordBatchLayout.HeaderBytes) }),
        new(MinInsyncReplicas, "With acks=all, refuse writes while fewer replicas are in sync.", c => Text(c.MinInsyncReplicas), (c, v) => c with { MinInsyncReplicas = Int(MinInsyncReplicas, v, 1) }),
        new(MessageTimestampType, "'CreateTime' keeps the producer's timestamps; 'LogAppendTime' stamps batches with the broker's clock.", c => c.MessageTimestampType.ToString(), (c, v) => c with { MessageTimestampType = ParseTimestampType(v) }),
        new(IndexIntervalBytes, "Bytes of records between two offset index entries.", c => Text(c.IndexIntervalBytes), (c, v) => c with { IndexIntervalBytes = Int(IndexIntervalBytes, v, 1) }),
        new(SegmentIndexBytes, "Preallocated size of each index file.", c => Text(c.IndexBytesMax), (c, v) => c with { IndexBytesMax = Int(SegmentIndexBytes, v, LogConfig.IndexBytesMin) }),
        new(FileDeleteDelayMs, "How long a deleted segment stays readable by in-flight fetches.", c => Text(c.FileDeleteDelayMs), (c, v) => c with { FileDeleteDelayMs = Long(FileDeleteDelayMs, v, 0) }),
    }.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>Every known key, in name order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Keys.Keys.Order(StringComparer.Ordinal)];

    public static bool IsKnown(string name) => Keys.ContainsKey(name);

    /// <summary>Throws INVALID_CONFIG, listing the known keys, when <paramref name="name"/> is not one.</summary>
    public static void RequireKnown(string name) => Require(name);

    public static string DocumentationOf(string name) => Require(name).Documentation;

    /// <summary>The value of <paramref name="name"/> in <paramref name="config"/>, as text.</summary>
    public static string ValueOf(LogConfig config, string name) => Require(name).DefaultOf(config);

    /// <summary>
    /// Applies <paramref name="overrides"/> to <paramref name="defaults"/> and validates the result as a whole.
    /// Throws <see cref="BrokerException"/> (INVALID_CONFIG) naming the key for an unknown key or a bad value.
    /// </summary>
    public static LogConfig Apply(LogConfig defaults, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        var config = defaults;
        foreach (var (name, value) in overrides)
        {
            config = Require(name).Apply(config, value.Trim());
        }

        return config.Validate();
    }

    private static TopicConfigKey Require(string name) =>
        Keys.TryGetValue(name, out var key)
            ? key
            : throw new BrokerException(ErrorCode.InvalidConfig, $"Unknown topic config '{name}'. Known: {string.Join(", ", Keys.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>Kafka's list syntax: "delete", "compact", or both comma-separated in either order.</summary>
    private static Storage.CleanupPolicy ParseCleanupPolicy(string value)
    {
        Storage.CleanupPolicy policy = 0;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            policy |= part switch
            {
                "delete" => Storage.CleanupPolicy.Delete,
                "compact" => Storage.CleanupPolicy.Compact,
                _ => throw new BrokerException(ErrorCode.InvalidConfig, $"cleanup.policy '{value}' is not 'delete', 'compact' or 'compact,delete'."),
            };
        }

        return policy;
    }

    private static string CleanupPolicyText(Storage.CleanupPolicy policy) => policy switch
    {
        Storage.CleanupPolicy.Compact => "compact",
        Storage.CleanupPolicy.Compact | Storage.CleanupPolicy.Delete => "compact,delete",
        _ => "delete",
    };

    private static double Ratio(string name, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 1
            ? parsed
            : throw new BrokerException(ErrorCode.InvalidConfig, $"{name} '{value}' is not a number from 0 to 1.");

    private static FlushPolicy ParseFlush(string value) => value switch
    {
        "replication" => FlushPolicy.Replication,
        "always" => FlushPolicy.Always,
        _ => throw new BrokerException(ErrorCode.InvalidConfig, $"flush '{value}' is not 'replication' or 'always'."),
    };

    private static TimestampType ParseTimestampType(string value) => value switch
    {
        "CreateTime" => TimestampType.CreateTime,
        "LogAppendTime" => TimestampType.LogAppendTime,
        _ => throw new BrokerException(ErrorCode.InvalidConfig, $"message.timestamp.type '{value}' is not 'CreateTime' or 'LogAppendTime'."),
    };

    private static long Long(string name, string value, long min) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= min
            ? parsed
            : throw new BrokerException(ErrorCode.InvalidConfig, $"{name} '{value}' is not a whole number of at least {min}.");

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= min
            ? parsed
            : throw new BrokerException(ErrorCode.InvalidConfig, $"{name} '{value}' is not a whole number from {min} to {int.MaxValue}.");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
