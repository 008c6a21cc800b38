using Broker.Core;

namespace Broker.Storage;

/// <summary>
/// Chooses which compacted log to clean (Kafka's LogCleanerManager.grabFilthiestCompactedLog) and cleans it, one log
/// per call, so a maintenance pass does bounded work: at most <see cref="CleanerConfig.DirtyBytesPerPassMax"/> of
/// dirty data mapped, plus the rewrite of the log's cleaned part (which the dirty ratio threshold keeps at most about
/// as large as the dirty part, so rewriting costs about twice what was appended). A log qualifies when its policy
/// includes Compact and its dirty ratio below the high watermark reaches its min.cleanable.dirty.ratio; the dirtiest
/// goes first. Called from <see cref="LogManager.RunMaintenance"/>; one call at a time.
/// </summary>
internal sealed class LogCleaner(CleanerConfig config)
{
    /// <summary>The last pass's result, for tests and metrics; null before the first pass that cleaned something.</summary>
    public (TopicPartition TopicPartition, CompactionResult Result)? LastPass { get; private set; }

    /// <summary>The dirtiest qualifying log, or null when none qualifies (or the cleaner is disabled).</summary>
    public PartitionLog? ChooseDirtiest(IEnumerable<PartitionLog> logs)
    {
        if (!config.Enabled)
        {
            return null;
        }

        PartitionLog? dirtiest = null;
        var dirtiestRatio = -1.0;
        foreach (var log in logs)
        {
            var logConfig = log.Config;
            if (!logConfig.Compacts)
            {
                continue;
            }

            var plan = log.PlanCompaction(log.HighWatermark, forCleaning: false);
            if (plan.DirtyBytes > 0 && plan.DirtyRatio >= logConfig.MinCleanableDirtyRatio && plan.DirtyRatio > dirtiestRatio)
            {
                dirtiest = log;
                dirtiestRatio = plan.DirtyRatio;
            }
        }

        return dirtiest;
    }

    /// <summary>One compaction pass of <paramref name="log"/> below its high watermark.</summary>
    public CompactionResult Clean(PartitionLog log)
    {
        var result = log.Compact(log.HighWatermark, config);
        LastPass = (log.TopicPartition, result);
        return result;
    }
}
