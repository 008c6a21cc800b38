using System.Buffers;
using BenchmarkDotNet.Attributes;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages.Produce;

namespace Broker.Benchmarks.Protocol;

/// <summary>
/// The server's first step for every Produce: find the frame, read the header, read the body down to per-partition
/// record slices. 8 partitions x 16 KiB records (a 128 KiB frame). Contiguous input costs no copy of the records;
/// input in 4 KiB segments (Kestrel's pipe block size) is copied once into a pooled buffer.
/// </summary>
[MemoryDiagnoser]
public class ProduceRequestParseBenchmarks
{
    private const int Partitions = 8;
    private const int RecordBytes = 16 * 1024;
    private const int PipeSegmentBytes = 4096;

    private readonly RequestFrameCodec _codec = new();
    private ReadOnlySequence<byte> _contiguous;
    private ReadOnlySequence<byte> _segmented;

    [GlobalSetup]
    public void Setup()
    {
        var records = new byte[RecordBytes];
        new Random(1).NextBytes(records);
        var request = new ProduceRequest
        {
            Acks = ProduceAcks.All,
            TimeoutMs = 30_000,
            Topics =
            [
                new ProduceRequestTopic
                {
                    Name = "orders",
                    Partitions = [.. Enumerable.Range(0, Partitions).Select(p => new ProduceRequestPartition { PartitionIndex = p, Records = records })],
                },
            ],
        };
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, correlationId: 1, clientId: "producer-1", apiVersion: 0, request);
        var frame = output.WrittenMemory.ToArray();
        _contiguous = new ReadOnlySequence<byte>(frame);
        _segmented = BenchmarkSequence.Split(frame, PipeSegmentBytes);
    }

    [Benchmark(Baseline = true)]
    public int ParseContiguous() => Parse(_contiguous);

    [Benchmark]
    public int ParseFrom4KiBSegments() => Parse(_segmented);

    private int Parse(in ReadOnlySequence<byte> input)
    {
        SequencePosition consumed = input.Start, examined = input.Start;
        if (!_codec.TryParseMessage(input, ref consumed, ref examined, out var frame))
        {
            throw new InvalidOperationException("The benchmark frame did not parse.");
        }

        using (frame)
        {
            var request = frame.ReadBody<ProduceRequest>();
            var bytes = 0;
            var partitions = request.Topics[0].Partitions;
            for (var i = 0; i < partitions.Count; i++)
            {
                bytes += partitions[i].Records.Length;
            }

            return bytes;
        }
    }
}
