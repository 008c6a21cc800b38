using BenchmarkDotNet.Attributes;
using Broker.Core;
using Broker.Storage;

namespace Broker.Benchmarks.Storage;

/// <summary>
/// Reads of cached data: 256 MiB of 16 KiB batches, read sequentially in 1 MiB fetches (index lookup, header walk,
/// one copy out of the page cache into a reused buffer). Target: >= 2 GB/s. Also the cost of one offset lookup.
/// </summary>
[MemoryDiagnoser]
public class StorageReadBenchmarks
{
    private const int FetchBytes = 1 << 20;
    private const int LogBytes = 256 << 20;
    private string _directory = "";
    private PartitionLog _log = null!;
    private byte[] _buffer = [];
    private long _next;
    private long _lookupOffset;

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchmarkBatches.TempDirectory("read");
        _log = PartitionLog.Open(_directory, new TopicPartition("bench", 0), LogConfig.Default with { SegmentBytes = 64 << 20 }, TimeProvider.System, hadCleanShutdown: true);
        var batch = BenchmarkBatches.Create(16 * 1024);
        for (var written = 0L; written < LogBytes; written += batch.Length)
        {
            _log.AppendAsLeader(batch, 0);
        }

        _buffer = new byte[FetchBytes * 2];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>One 1 MiB fetch (16 batches of 16 KiB except at segment ends), wrapping at the end of the log.</summary>
    [Benchmark]
    public int ReadSequential1MiB()
    {
        if (_next >= _log.LogEndOffset)
        {
            _next = 0;
        }

        var result = _log.Read(_next, FetchBytes);
        result.CopyTo(_buffer);
        _next = result.NextOffset;
        return result.Length;
    }

    /// <summary>Locate the batch of a random-ish offset (segment binary search, index binary search, header walk)
    /// without copying: what a fetch at a new position costs.</summary>
    [Benchmark]
    public long IndexLookup()
    {
        _lookupOffset = (_lookupOffset + 7919) % _log.LogEndOffset;
        return _log.Read(_lookupOffset, 1).FirstOffset;
    }
}
