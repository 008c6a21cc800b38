namespace Broker.Storage;

/// <summary>
/// Which whole segments retention removes, oldest first, never the active one: those wholly below the log start
/// offset, then those whose largest timestamp is older than <see cref="LogConfig.RetentionMs"/>, then the oldest
/// while the log stays at least <see cref="LogConfig.RetentionBytes"/> without them. Kafka's rules; a segment that
/// is kept stops the scan, so retention never leaves a hole. Time and size rules apply only when the cleanup policy
/// includes Delete (a compact-only topic keeps every key's last record however old).
/// </summary>
internal static class RetentionPolicy
{
    /// <summary>How many of the oldest segments to delete.</summary>
    public static int CountDeletable(LogSegments segments, LogConfig config, long logStartOffset, long nowMs)
    {
        var deletable = 0;
        var last = segments.Count - 1;
        while (deletable < last && segments[deletable + 1].BaseOffset <= logStartOffset)
        {
            deletable++;
        }

        if (config.RetentionMs != LogConfig.Unlimited && config.Deletes)
        {
            while (deletable < last && nowMs - segments[deletable].LargestTimestampMs > config.RetentionMs)
            {
                deletable++;
            }
        }

        if (config.RetentionBytes != LogConfig.Unlimited && config.Deletes)
        {
            var remaining = segments.TotalBytes();
            for (var i = 0; i < deletable; i++)
            {
                remaining -= segments[i].Size;
            }

            while (deletable < last && remaining - segments[deletable].Size >= config.RetentionBytes)
            {
                remaining -= segments[deletable].Size;
                deletable++;
            }
        }

        return deletable;
    }
}
