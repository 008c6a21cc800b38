using Broker.Core;
using Broker.Core.Errors;

namespace Broker.Storage.Tests;

public class LogManagerTests
{
    private static readonly TopicPartition Orders0 = new("orders", 0);
    private static readonly TopicPartition Orders1 = new("orders", 1);

    [Fact]
    public void Formats_a_new_directory_and_refuses_another_nodes()
    {
        using var dir = new TempDirectory();
        string clusterId;
        using (var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider()))
        {
            clusterId = manager.ClusterId;
            Assert.Equal(new MetaProperties(clusterId, 1), MetaProperties.Read(dir.Path));
            Assert.False(manager.HadCleanShutdown);
        }

        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => LogManager.Open(dir.Path, 2, TestLogs.Small, new ManualTimeProvider())).Code);
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Throws<BrokerException>(() => LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider(), "other")).Code);
        using var again = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider(), clusterId);
        Assert.True(again.HadCleanShutdown);
    }

    [Fact]
    public void Close_writes_checkpoints_and_the_marker_and_reopen_restores_every_partition()
    {
        using var dir = new TempDirectory();
        using (var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider()))
        {
            var log = manager.GetOrCreateLog(Orders0, TestLogs.Small);
            Assert.Same(log, manager.GetOrCreateLog(Orders0, TestLogs.Small));
            log.Append(TestBatches.Create(5));
            log.UpdateHighWatermark(3);
            manager.GetOrCreateLog(Orders1, TestLogs.Small).Append(TestBatches.Create(2));
            Assert.True(Directory.Exists(Path.Combine(dir.Path, "orders-1")));
        }

        Assert.True(File.Exists(Path.Combine(dir.Path, ".clean-shutdown")));
        Assert.Equal(5, new OffsetCheckpointFile(Path.Combine(dir.Path, "recovery-point-offset-checkpoint")).Read()[Orders0]);
        Assert.Equal(3, new OffsetCheckpointFile(Path.Combine(dir.Path, "replication-offset-checkpoint")).Read()[Orders0]);

        using var reopened = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        Assert.True(reopened.HadCleanShutdown);
        Assert.False(File.Exists(Path.Combine(dir.Path, ".clean-shutdown")));
        Assert.Equal(2, reopened.Logs.Count);
        var orders0 = reopened.GetLog(Orders0)!;
        Assert.Equal((5L, 3L, 0), (orders0.LogEndOffset, orders0.HighWatermark, orders0.SegmentsRecovered));
        Assert.Equal(2, reopened.GetLog(Orders1)!.LogEndOffset);
    }

    [Fact]
    public void A_log_gone_offline_closes_without_the_clean_marker_and_is_recovered_in_full_on_the_next_start()
    {
        using var dir = new TempDirectory();
        using (var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider()))
        {
            var log = manager.GetOrCreateLog(Orders0, TestLogs.Small);
            log.Append(TestBatches.Create(3));
            log.Roll();
            log.Append(TestBatches.Create(3));
            manager.GetOrCreateLog(Orders1, TestLogs.Small).Append(TestBatches.Create(2));
            var blocker = LogFileNames.LogFile(Path.Combine(dir.Path, "orders-0"), 100);
            Directory.CreateDirectory(blocker);
            Assert.Throws<BrokerException>(() => log.TruncateFullyAndStartAt(100));
            Assert.NotNull(log.OfflineReason);
            Directory.Delete(blocker);
        }

        Assert.False(File.Exists(Path.Combine(dir.Path, ".clean-shutdown")));
        var recoveryPoints = new OffsetCheckpointFile(Path.Combine(dir.Path, "recovery-point-offset-checkpoint")).Read();
        Assert.Equal((0L, 2L), (recoveryPoints[Orders0], recoveryPoints[Orders1]));

        using var reopened = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        Assert.False(reopened.HadCleanShutdown);
        var orders0 = reopened.GetLog(Orders0)!;
        Assert.Null(orders0.OfflineReason);
        var end = orders0.LogEndOffset;
        orders0.Append(TestBatches.Create(1));
        Assert.Equal(end + 1, orders0.LogEndOffset);
        Assert.Equal(2, reopened.GetLog(Orders1)!.LogEndOffset);
    }

    [Fact]
    public void After_a_crash_partitions_recover_from_their_recovery_points()
    {
        using var dir = new TempDirectory();
        var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        var log = manager.GetOrCreateLog(Orders0, TestLogs.Small);
        log.Append(TestBatches.Create(3));
        log.Roll();
        log.Append(TestBatches.Create(3));
        log.Flush();
        manager.WriteCheckpoints();
        log.Append(TestBatches.Create(3));
        manager.Abandon();

        using var reopened = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        Assert.False(reopened.HadCleanShutdown);
        var recovered = reopened.GetLog(Orders0)!;
        Assert.Equal(9, recovered.LogEndOffset);
        Assert.Equal(1, recovered.SegmentsRecovered); // only the segment holding the recovery point (6)
        Assert.Equal(6, recovered.FlushedOffset);
    }

    [Fact]
    public void Maintenance_applies_retention_flushes_and_checkpoints()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, time);
        var log = manager.GetOrCreateLog(Orders0, TestLogs.Small with { RetentionMs = 1000, FlushIntervalMs = 500 });
        log.Append(TestBatches.Create(2, timestampMs: time.NowMs));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: time.NowMs + 5000));
        time.Advance(2000);
        manager.RunMaintenance();
        Assert.Equal(2, log.LogStartOffset);
        Assert.Equal(4, log.FlushedOffset);
        Assert.Equal(4, new OffsetCheckpointFile(Path.Combine(dir.Path, "recovery-point-offset-checkpoint")).Read()[Orders0]);
        Assert.Equal(2, new OffsetCheckpointFile(Path.Combine(dir.Path, "log-start-offset-checkpoint")).Read()[Orders0]);
    }

    [Fact]
    public void A_failing_retention_does_not_hold_back_the_flush_and_its_segment_goes_on_a_later_tick()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, time);
        var failures = new List<TopicPartition>();
        manager.MaintenanceFailed += (tp, _) => failures.Add(tp);
        var log = manager.GetOrCreateLog(Orders0, TestLogs.Small with { RetentionMs = 1000, FlushIntervalMs = 500, FileDeleteDelayMs = 0 });
        log.Append(TestBatches.Create(2, timestampMs: time.NowMs));
        log.Roll();
        log.Append(TestBatches.Create(2, timestampMs: time.NowMs + 5000));
        var partitionDirectory = LogFileNames.PartitionDirectory(dir.Path, Orders0);
        Directory.CreateDirectory(LogFileNames.LogFile(partitionDirectory, 0) + LogFileNames.DeletedSuffix);
        time.Advance(2000);

        manager.RunMaintenance();
        Assert.Equal([Orders0], failures);
        Assert.Equal(2, log.LogStartOffset);
        Assert.Equal(4, log.FlushedOffset); // flushed in the same tick all the same
        Assert.Equal(4, new OffsetCheckpointFile(Path.Combine(dir.Path, "recovery-point-offset-checkpoint")).Read()[Orders0]);

        manager.RunMaintenance();
        Assert.False(File.Exists(LogFileNames.LogFile(partitionDirectory, 0)));
        Assert.Equal([Orders0], failures);
    }

    [Fact]
    public async Task The_background_loop_runs_on_its_timer()
    {
        using var dir = new TempDirectory();
        using var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, TimeProvider.System);
        var log = manager.GetOrCreateLog(Orders0, TestLogs.Small with { FlushIntervalMs = 1 });
        log.Append(TestBatches.Create(2));
        manager.StartBackgroundTasks(TimeSpan.FromMilliseconds(20));
        var checkpoint = new OffsetCheckpointFile(Path.Combine(dir.Path, "recovery-point-offset-checkpoint"));
        for (var i = 0; i < 250 && !(File.Exists(checkpoint.Path) && checkpoint.Read().GetValueOrDefault(Orders0) == 2); i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, checkpoint.Read()[Orders0]);
    }

    [Fact]
    public void Delete_log_removes_the_partition_directory()
    {
        using var dir = new TempDirectory();
        using var manager = LogManager.Open(dir.Path, 1, TestLogs.Small, new ManualTimeProvider());
        manager.GetOrCreateLog(Orders0, TestLogs.Small).Append(TestBatches.Create(1));
        Directory.CreateDirectory(Path.Combine(dir.Path, "old-0.abc-delete"));
        Assert.True(manager.DeleteLog(Orders0));
        Assert.False(manager.DeleteLog(Orders0));
        Assert.Null(manager.GetLog(Orders0));
        Assert.Equal(["old-0.abc-delete"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName));
        Assert.Throws<BrokerException>(() => manager.GetOrCreateLog(new TopicPartition("../x", 0), TestLogs.Small));
    }
}
