using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Broker.Core;
using Broker.Core.Compression;
using Broker.Core.Records;
using Broker.Storage;

namespace Broker.Benchmarks.Storage;

/// <summary>
/// Compaction throughput: one <see cref="PartitionLog.Compact"/> pass over a 64 MiB log of 1 KiB records whose keys
/// are 10% unique (keys drawn at random from a set a tenth the record count, so most batches lose some records and
/// keep others), in batches of 16 records, 8 MiB segments. Every iteration compacts a
/// fresh copy of the same log (the copy is made outside the measurement). Throughput = 64 MiB / mean time. The
/// compressed case uses lz4, so the pass decompresses, filters and recompresses every batch that lost records.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 8)]
public class CompactionBenchmarks
{
    public const int LogBytes = 64 << 20;
    private const int RecordsPerBatch = 16;
    private const int UniqueKeysPercent = 10;
    private static readonly TopicPartition Partition = new("bench-compacted", 0);
    private static readonly LogConfig Config = LogConfig.Default with { CleanupPolicy = CleanupPolicy.Compact, SegmentBytes = 8 << 20 };

    private string _pristine = "";
    private string _work = "";
    private PartitionLog? _log;

    [Params(CompressionType.None, CompressionType.Lz4)]
    public CompressionType Compression { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pristine = BenchmarkBatches.TempDirectory("compaction-pristine");
        var records = LogBytes / (BenchmarkBatches.RecordValueBytes + 32);
        var keys = records * UniqueKeysPercent / 100;
        var random = new Random(42);
        var value = new byte[BenchmarkBatches.RecordValueBytes];
        using var log = PartitionLog.Open(_pristine, Partition, Config, TimeProvider.System, hadCleanShutdown: true);
        using var builder = new RecordBatchBuilder(Compression, 32 * 1024);
        for (var written = 0; written < records; written += RecordsPerBatch)
        {
            builder.Reset();
            for (var i = 0; i < RecordsPerBatch; i++)
            {
                random.NextBytes(value.AsSpan(0, 64)); // partly random values, so lz4 has something to do
                builder.Append(1_700_000_000_000, Encoding.UTF8.GetBytes($"key-{random.Next(keys):D8}"), value);
            }

            log.AppendAsLeader(builder.Seal(), 0);
        }

        log.Roll();
        Console.WriteLine($"// compaction input: {records} records, {keys} keys, {log.SizeInBytes} bytes on disk ({Compression})");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_pristine, recursive: true);

    [IterationSetup]
    public void CopyLog()
    {
        _work = BenchmarkBatches.TempDirectory("compaction-work");
        foreach (var path in Directory.GetFiles(_pristine))
        {
            File.Copy(path, Path.Combine(_work, Path.GetFileName(path)));
        }

        _log = PartitionLog.Open(_work, Partition, Config with { FileDeleteDelayMs = 0 }, TimeProvider.System, hadCleanShutdown: true);
    }

    [IterationCleanup]
    public void DeleteCopy()
    {
        _log?.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Benchmark]
    public long CompactWholeLog() => _log!.Compact(long.MaxValue).BytesWritten;
}
