using System.Text;
using Broker.Core.Compression;
using Broker.Core.Records;

namespace Broker.Storage.Tests;

/// <summary>One decoded record of a log, for comparing logs and models: offset, key, value (null: tombstone).</summary>
internal readonly record struct KeyedRecord(long Offset, string Key, string? Value, long TimestampMs);

/// <summary>Keyed batches and whole-log decoding for the compaction tests.</summary>
internal static class Keyed
{
    /// <summary>Compacted logs with small limits: several segments per test, merged by the cleaner.</summary>
    public static LogConfig Config { get; } = TestLogs.Small with
    {
        CleanupPolicy = CleanupPolicy.Compact,
        SegmentBytes = 1 << 16,
        IndexBytesMax = 1 << 12,
    };

    /// <summary>A batch of (key, value) records; a null value is a tombstone.</summary>
    public static byte[] Batch(long timestampMs, CompressionType compression, params (string Key, string? Value)[] records)
    {
        using var builder = new RecordBatchBuilder(compression);
        foreach (var (key, value) in records)
        {
            builder.Append(timestampMs, Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));
        }

        return builder.Seal().ToArray();
    }

    public static byte[] Batch(params (string Key, string? Value)[] records) => Batch(1_000, CompressionType.None, records);

    /// <summary>Every record from the log start to the LEO, decoded.</summary>
    public static List<KeyedRecord> Records(PartitionLog log)
    {
        using var reader = new RecordBatchReader();
        var records = new List<KeyedRecord>();
        foreach (var batch in log.ReadAll(log.LogStartOffset))
        {
            foreach (var record in reader.Read(batch.Bytes))
            {
                records.Add(new KeyedRecord(
                    record.Offset,
                    Encoding.UTF8.GetString(record.Key),
                    record.ValueIsNull ? null : Encoding.UTF8.GetString(record.Value),
                    record.TimestampMs));
            }
        }

        return records;
    }

    /// <summary>Key -> value of the latest record of each key (tombstoned keys included, with a null value).</summary>
    public static Dictionary<string, string?> Latest(IEnumerable<KeyedRecord> records)
    {
        var latest = new Dictionary<string, string?>();
        foreach (var record in records.OrderBy(r => r.Offset))
        {
            latest[record.Key] = record.Value;
        }

        return latest;
    }
}
