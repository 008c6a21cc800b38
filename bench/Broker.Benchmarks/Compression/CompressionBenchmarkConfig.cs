using BenchmarkDotNet.Configs;

namespace Broker.Benchmarks.Compression;

/// <summary>Adds the throughput of the uncompressed payload to the summary; the job comes from the command line.</summary>
public class CompressionBenchmarkConfig : ManualConfig
{
    public CompressionBenchmarkConfig() => AddColumn(new ThroughputColumn(CompressionBenchmarks.PayloadBytes));
}
