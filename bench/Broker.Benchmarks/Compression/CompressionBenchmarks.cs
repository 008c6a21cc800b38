using System.Buffers;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Broker.Core.Compression;

namespace Broker.Benchmarks.Compression;

/// <summary>
/// Compressing and decompressing a 1 MiB record payload of JSON log lines, the kind of batch producers send, with
/// each codec. Output goes to a buffer writer that is reused, as a pooled one would be, so the allocation column
/// shows what the codec itself allocates.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CompressionBenchmarkConfig))]
public class CompressionBenchmarks
{
    public const int PayloadBytes = 1024 * 1024;

    private byte[] _payload = [];
    private byte[] _compressed = [];
    private ICompressionCodec _codec = null!;
    private readonly ArrayBufferWriter<byte> _output = new(2 * PayloadBytes);

    [Params(CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd)]
    public CompressionType Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = LogLines(PayloadBytes);
        _codec = CompressionCodecs.Get(Codec);
        _codec.Compress(_payload, _output);
        _compressed = _output.WrittenSpan.ToArray();
        Console.WriteLine($"// {Codec}: {PayloadBytes} bytes compress to {_compressed.Length} "
            + $"(ratio {(double)PayloadBytes / _compressed.Length:F2})");
    }

    [Benchmark]
    public int Compress()
    {
        _output.ResetWrittenCount();
        _codec.Compress(_payload, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Decompress()
    {
        _output.ResetWrittenCount();
        return _codec.Decompress(_compressed, _output, PayloadBytes);
    }

    /// <summary>Deterministic log lines: repeated field names and a few enumerations, varying numbers and ids.</summary>
    private static byte[] LogLines(int bytes)
    {
        var random = new Random(42);
        string[] levels = ["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"];
        string[] services = ["orders", "payments", "inventory", "gateway", "search"];
        string[] paths = ["/api/v1/orders", "/api/v1/cart", "/api/v2/search", "/healthz", "/api/v1/users/me"];
        var text = new StringBuilder(bytes + 512);
        while (text.Length < bytes)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"ts\":\"2024-05-{random.Next(1, 29):D2}T{random.Next(24):D2}:{random.Next(60):D2}:{random.Next(60):D2}.{random.Next(1000):D3}Z\","
                + $"\"level\":\"{levels[random.Next(levels.Length)]}\",\"service\":\"{services[random.Next(services.Length)]}\","
                + $"\"method\":\"GET\",\"path\":\"{paths[random.Next(paths.Length)]}\",\"status\":{(random.Next(10) == 0 ? 500 : 200)},"
                + $"\"latency_ms\":{random.Next(1, 2000)},\"trace_id\":\"{random.NextInt64():x16}\",\"user_id\":{random.Next(1_000_000)}}}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }
}
