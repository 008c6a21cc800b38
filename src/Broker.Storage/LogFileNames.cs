using System.Globalization;
using Broker.Core;

namespace Broker.Storage;

/// <summary>
/// Every name the storage layer gives a file or directory, in one place so that `ls` output, recovery and
/// deletion agree. Segment files are named by their base offset padded to 20 digits (the width of
/// <see cref="long.MaxValue"/>), so a lexical sort is an offset sort.
/// </summary>
public static class LogFileNames
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";

    /// <summary>Appended to a removed segment's files; they are deleted after <see cref="LogConfig.FileDeleteDelayMs"/>.</summary>
    public const string DeletedSuffix = ".deleted";

    /// <summary>A file being written atomically; never read, deleted on open.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>A segment the cleaner is writing; deleted on open (the segments it would replace are intact).</summary>
    public const string CleanedSuffix = ".cleaned";

    /// <summary>A cleaned segment that is complete and durable and replaces the segments its offsets cover; an open
    /// that finds one finishes the replacement.</summary>
    public const string SwapSuffix = ".swap";

    /// <summary>A snapshot of the partition's idempotent producers, named by the offset it covers up to (exclusive):
    /// see <see cref="Broker.Storage.ProducerSnapshotFile"/>.</summary>
    public const string ProducerSnapshotSuffix = ".snapshot";

    public const string LeaderEpochCheckpoint = "leader-epoch-checkpoint";
    public const string MetaProperties = "meta.properties";
    public const string RecoveryPointCheckpoint = "recovery-point-offset-checkpoint";
    public const string ReplicationOffsetCheckpoint = "replication-offset-checkpoint";
    public const string LogStartOffsetCheckpoint = "log-start-offset-checkpoint";
    public const string CleanerOffsetCheckpoint = "cleaner-offset-checkpoint";
    public const string CleanShutdownMarker = ".clean-shutdown";

    /// <summary>Suffix of a partition directory being deleted (Kafka renames before removing).</summary>
    public const string DeletedDirectorySuffix = "-delete";

    private const int OffsetDigits = 20;

    public static string OffsetName(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture);

    public static string LogFile(string directory, long baseOffset) => Path.Combine(directory, OffsetName(baseOffset) + LogSuffix);

    public static string IndexFile(string directory, long baseOffset) => Path.Combine(directory, OffsetName(baseOffset) + IndexSuffix);

    public static string TimeIndexFile(string directory, long baseOffset) => Path.Combine(directory, OffsetName(baseOffset) + TimeIndexSuffix);

    public static string ProducerSnapshotPath(string directory, long offset) => Path.Combine(directory, OffsetName(offset) + ProducerSnapshotSuffix);

    public static string PartitionDirectory(string dataDirectory, TopicPartition topicPartition) =>
        Path.Combine(dataDirectory, $"{topicPartition.Topic}-{topicPartition.Partition.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Parses the base offset out of a segment file name such as "00000000000000000042.log".</summary>
    public static bool TryParseBaseOffset(string fileName, string suffix, out long baseOffset)
    {
        baseOffset = -1;
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal) || fileName.Length != OffsetDigits + suffix.Length)
        {
            return false;
        }

        var digits = fileName.AsSpan(0, OffsetDigits);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }

    /// <summary>Parses "topic-partition" (the partition after the last '-'); false for anything else, including
    /// directories being deleted.</summary>
    public static bool TryParsePartitionDirectory(string directoryName, out TopicPartition topicPartition)
    {
        topicPartition = default;
        var dash = directoryName.LastIndexOf('-');
        if (dash <= 0 || dash == directoryName.Length - 1)
        {
            return false;
        }

        var partitionText = directoryName.AsSpan(dash + 1);
        if (!int.TryParse(partitionText, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            return false;
        }

        var topic = directoryName[..dash];
        try
        {
            TopicPartition.ValidateTopicName(topic);
        }
        catch (Core.Errors.BrokerException)
        {
            return false;
        }

        topicPartition = new TopicPartition(topic, partition);
        return true;
    }
}
