using BenchmarkDotNet.Attributes;
using Broker.Core;
using Broker.Storage;

namespace Broker.Benchmarks.Storage;

/// <summary>
/// Append to one partition with flush=replication: validation (CRC-32C over the batch), offset assignment, one
/// positional write into the page cache, index maintenance. Target: >= 1 GB/s for batches of 16 KiB and more, and
/// no allocation per batch. Segments of 64 MiB and 192 MiB of size retention with no delete delay keep the
/// live data (and the dirty page cache) bounded, so the benchmark measures the append path rather than the
/// disk's sustained write rate, which the kernel throttles writers to once dirty pages pass vm.dirty_ratio.
/// Rolls and retention are part of the measured steady state.
/// </summary>
[MemoryDiagnoser]
public class StorageAppendBenchmarks
{
    private const int BatchesPerInvocation = 64;
    private string _directory = "";
    private PartitionLog _log = null!;
    private byte[] _batch = [];

    [Params(16 * 1024, 1024 * 1024)]
    public int BatchBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchmarkBatches.TempDirectory("append");
        _batch = BenchmarkBatches.Create(BatchBytes);
        _log = PartitionLog.Open(_directory, new TopicPartition("bench", 0), LogConfig.Default with { SegmentBytes = 64 << 20, RetentionBytes = 192 << 20, FileDeleteDelayMs = 0 }, TimeProvider.System, hadCleanShutdown: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Bytes per operation, for throughput: BatchesPerInvocation * batch size.</summary>
    [Benchmark(OperationsPerInvoke = BatchesPerInvocation)]
    public long Append()
    {
        var last = 0L;
        for (var i = 0; i < BatchesPerInvocation; i++)
        {
            last = _log.AppendAsLeader(_batch, 0).LastOffset;
        }

        if (_log.SegmentCount > 4)
        {
            _log.DeleteOldSegments();
        }

        return last;
    }
}
