using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Broker.Core;
using Broker.Storage;

namespace Broker.Benchmarks.Storage;

/// <summary>
/// Reopening a log of 1,000 segments after a clean shutdown (target &lt; 1 s): only file handles are opened and the
/// active segment's tail is read; the other indices map lazily. Each segment holds 4 batches of 16 KiB.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StorageReopenBenchmarks
{
    private const int Segments = 1000;
    private string _directory = "";

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchmarkBatches.TempDirectory("reopen");
        var batch = BenchmarkBatches.Create(16 * 1024);
        using var log = PartitionLog.Open(_directory, new TopicPartition("bench", 0), LogConfig.Default, TimeProvider.System, hadCleanShutdown: true);
        for (var segment = 0; segment < Segments; segment++)
        {
            for (var i = 0; i < 4; i++)
            {
                log.AppendAsLeader(batch, 0);
            }

            if (segment < Segments - 1)
            {
                log.Roll();
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public long ReopenAfterCleanShutdown()
    {
        using var log = PartitionLog.Open(_directory, new TopicPartition("bench", 0), LogConfig.Default, TimeProvider.System, hadCleanShutdown: true);
        return log.LogEndOffset + log.SegmentCount;
    }
}
