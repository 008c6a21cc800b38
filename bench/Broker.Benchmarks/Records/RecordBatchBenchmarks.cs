using BenchmarkDotNet.Attributes;
using Broker.Core.Records;

namespace Broker.Benchmarks.Records;

/// <summary>
/// The producer's and the broker's per-batch work: building a batch of 1 KiB records, and validating a 1 MiB
/// batch on append (one CRC-32C pass plus header checks). Throughput = batch bytes / mean time.
/// </summary>
[MemoryDiagnoser]
public class RecordBatchBenchmarks
{
    private const int RecordBytes = 1024;
    private readonly RecordBatchBuilder _builder = new(initialCapacityBytes: 2 * 1024 * 1024);
    private readonly RecordBatchReader _reader = new();
    private byte[] _value = [];
    private byte[] _key = [];
    private byte[] _batch = [];

    [Params(16 * 1024, 1024 * 1024)]
    public int BatchBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _value = new byte[RecordBytes - 16];
        new Random(1).NextBytes(_value);
        _key = new byte[16];
        _batch = Build().ToArray();
    }

    [Benchmark(Description = "build batch of 1 KiB records")]
    public int BuildBatch() => Build().Length;

    [Benchmark(Description = "validate batch (CRC + header)")]
    public RecordBatchError Validate() => RecordBatchValidator.Validate(_batch, int.MaxValue, fromProducer: true, out _);

    [Benchmark(Description = "read every record of the batch")]
    public long ReadRecords()
    {
        long sum = 0;
        foreach (var record in _reader.Read(_batch))
        {
            sum += record.Value.Length;
        }

        return sum;
    }

    private Memory<byte> Build()
    {
        _builder.Reset();
        for (var i = 0; i < BatchBytes / RecordBytes; i++)
        {
            _builder.Append(1_700_000_000_000 + i, _key, false, _value, false);
        }

        return _builder.Seal();
    }
}
