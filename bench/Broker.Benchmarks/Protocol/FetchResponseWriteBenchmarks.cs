using BenchmarkDotNet.Attributes;
using Broker.Core.Buffers;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Fetch;

namespace Broker.Benchmarks.Protocol;

/// <summary>
/// The server's last step for every Fetch: size the frame (measuring pass) and write it into a reused output
/// buffer. "Header" has empty record sets, so it is the protocol's own overhead for 8 partitions; "8x16KiB" copies
/// the records from an <see cref="IRecordSource"/> the way a segment reader would, in the output's pieces.
/// </summary>
[MemoryDiagnoser]
public class FetchResponseWriteBenchmarks
{
    private const int Partitions = 8;
    private const int RecordBytes = 16 * 1024;

    private readonly PooledBufferWriter _output = new(256 * 1024);
    private FetchResponse _headerOnly = null!;
    private FetchResponse _withRecords = null!;

    [GlobalSetup]
    public void Setup()
    {
        var records = new byte[RecordBytes];
        new Random(2).NextBytes(records);
        var source = new ArrayRecordSource(records);
        _headerOnly = Response(_ => RecordSet.Empty);
        _withRecords = Response(_ => new RecordSet(source));
    }

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark(Baseline = true)]
    public long WriteHeader()
    {
        _output.Clear();
        return FrameWriter.WriteResponse(_output, correlationId: 7, apiVersion: 0, _headerOnly);
    }

    [Benchmark]
    public long Write8x16KiBFromSource()
    {
        _output.Clear();
        return FrameWriter.WriteResponse(_output, correlationId: 7, apiVersion: 0, _withRecords);
    }

    private static FetchResponse Response(Func<int, RecordSet> records) => new()
    {
        Topics =
        [
            new FetchResponseTopic
            {
                Name = "orders",
                Partitions = [.. Enumerable.Range(0, Partitions).Select(p => new FetchResponsePartition
                {
                    PartitionIndex = p,
                    HighWatermark = 1_000_000,
                    LastStableOffset = 1_000_000,
                    LogStartOffset = 0,
                    Records = records(p),
                })],
            },
        ],
    };

    /// <summary>Stands in for a segment file or mapped region: not a byte[] as far as the writer knows.</summary>
    private sealed class ArrayRecordSource(byte[] bytes) : IRecordSource
    {
        public int Length => bytes.Length;

        public void CopyTo(int sourceOffset, Span<byte> destination) => bytes.AsSpan(sourceOffset, destination.Length).CopyTo(destination);
    }
}
