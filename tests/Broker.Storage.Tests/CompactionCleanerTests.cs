using Broker.Core;

namespace Broker.Storage.Tests;

/// <summary>The log cleaner as <see cref="LogManager.RunMaintenance"/> runs it: which logs, how far, and the
/// cleaner-offset-checkpoint file.</summary>
public class CompactionCleanerTests
{
    private static readonly TopicPartition Offsets0 = new("__consumer_offsets", 0);
    private static readonly TopicPartition Orders0 = new("orders", 0);

    [Fact]
    public void Maintenance_compacts_a_dirty_compacted_log_below_its_high_watermark_and_checkpoints_it()
    {
        using var dir = new TempDirectory();
        using (var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider()))
        {
            var offsets = manager.GetOrCreateLog(Offsets0, Keyed.Config);
            var orders = manager.GetOrCreateLog(Orders0, Keyed.Config with { CleanupPolicy = CleanupPolicy.Delete });
            for (var i = 0; i < 20; i++)
            {
                offsets.Append(Keyed.Batch(($"group-{i % 2}", $"commit-{i}")));
                orders.Append(Keyed.Batch(($"order-{i % 2}", $"state-{i}")));
            }

            offsets.Roll();
            orders.Roll();
            manager.RunMaintenance();
            Assert.Null(manager.LastCompaction); // the high watermark is still 0: nothing is committed

            offsets.UpdateHighWatermark(offsets.LogEndOffset);
            orders.UpdateHighWatermark(orders.LogEndOffset);
            manager.RunMaintenance();
            Assert.Equal(Offsets0, manager.LastCompaction?.TopicPartition);
            Assert.Equal([18L, 19], Keyed.Records(offsets).Select(r => r.Offset));
            Assert.Equal(20, Keyed.Records(orders).Count);

            // Nothing dirty now: the next pass leaves the log alone.
            var last = manager.LastCompaction;
            manager.RunMaintenance();
            Assert.Same(last?.Result, manager.LastCompaction?.Result);
        }

        var checkpoints = new OffsetCheckpointFile(Path.Combine(dir.Path, LogFileNames.CleanerOffsetCheckpoint)).Read();
        Assert.Equal(new Dictionary<TopicPartition, long> { [Offsets0] = 20 }, checkpoints);
        using var reopened = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        Assert.Equal(20, reopened.GetLog(Offsets0)!.CleanerCheckpoint);
    }

    [Fact]
    public void A_log_below_its_dirty_ratio_waits_and_the_cleaner_can_be_disabled()
    {
        using var dir = new TempDirectory();
        var cleanerOff = CleanerConfig.Default with { Enabled = false };
        using (var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider(), cleanerConfig: cleanerOff))
        {
            var log = manager.GetOrCreateLog(Offsets0, Keyed.Config);
            log.Append(Keyed.Batch(("a", "1"), ("a", "2")));
            log.Roll();
            log.UpdateHighWatermark(log.LogEndOffset);
            manager.RunMaintenance();
            Assert.Null(manager.LastCompaction);
        }

        using var enabled = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        var offsets = enabled.GetOrCreateLog(Offsets0, Keyed.Config with { MinCleanableDirtyRatio = 1 });
        offsets.UpdateHighWatermark(offsets.LogEndOffset);
        offsets.Compact(offsets.LogEndOffset); // the first segment is clean now; the next one will be dirty
        offsets.Append(Keyed.Batch(("b", "1")));
        offsets.Roll();
        offsets.UpdateHighWatermark(offsets.LogEndOffset);
        Assert.True(offsets.DirtyRatio(offsets.HighWatermark) is > 0 and < 1);
        enabled.RunMaintenance();
        Assert.Null(enabled.LastCompaction);

        enabled.GetOrCreateLog(Offsets0, offsets.Config with { MinCleanableDirtyRatio = 0.1 });
        enabled.RunMaintenance();
        Assert.NotNull(enabled.LastCompaction);
    }
}
