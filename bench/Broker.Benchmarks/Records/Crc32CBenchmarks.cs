using BenchmarkDotNet.Attributes;
using Broker.Core.Records;

namespace Broker.Benchmarks.Records;

/// <summary>CRC-32C over a buffer: the floor under batch validation and log recovery.</summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    [Params(1024, 16 * 1024, 1024 * 1024)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new Random(1).NextBytes(_data);
    }

    [Benchmark(Description = "three interleaved chains (product)")]
    public uint Compute() => Crc32C.Compute(_data);

    [Benchmark(Baseline = true, Description = "one chain")]
    public uint Sequential() => Crc32C.Finish(Crc32C.AppendSequential(Crc32C.Start, _data));
}
