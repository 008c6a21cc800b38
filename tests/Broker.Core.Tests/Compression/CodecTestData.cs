using System.Buffers;
using System.Text;
using Broker.Core.Compression;

namespace Broker.Core.Tests.Compression;

/// <summary>Payloads and helpers shared by the codec tests.</summary>
internal static class CodecTestData
{
    public const int MiB = 1024 * 1024;

    /// <summary>The codecs that really compress.</summary>
    public static TheoryData<CompressionType> CompressingCodecs =>
        new(CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd);

    /// <summary>Every codec the registry serves, pass-through included.</summary>
    public static TheoryData<CompressionType> AllCodecs =>
        new(CompressionType.None, CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd);

    /// <summary>Log lines such as producers send: repetitive keys, varying values. Deterministic for a seed.</summary>
    public static byte[] LogLines(int bytes, int seed = 7)
    {
        var random = new Random(seed);
        var text = new StringBuilder(bytes + 200);
        string[] levels = ["INFO", "WARN", "DEBUG", "ERROR"];
        string[] services = ["orders", "payments", "inventory", "gateway"];
        while (text.Length < bytes)
        {
            text.Append("{\"ts\":\"2024-05-")
                .Append(random.Next(10, 29))
                .Append("T12:")
                .Append(random.Next(10, 60))
                .Append(":00Z\",\"level\":\"")
                .Append(levels[random.Next(levels.Length)])
                .Append("\",\"service\":\"")
                .Append(services[random.Next(services.Length)])
                .Append("\",\"latency_ms\":")
                .Append(random.Next(1, 5000))
                .Append(",\"user\":")
                .Append(random.Next(1_000_000))
                .Append("}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    public static byte[] RandomBytes(int bytes, int seed = 11)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static byte[] Compress(CompressionType type, ReadOnlySpan<byte> payload)
    {
        var compressed = new ArrayBufferWriter<byte>();
        CompressionCodecs.Get(type).Compress(payload, compressed);
        return compressed.WrittenSpan.ToArray();
    }

    public static byte[] Decompress(CompressionType type, ReadOnlySpan<byte> compressed, int decompressedBytesMax = 16 * MiB)
    {
        var output = new ArrayBufferWriter<byte>();
        var appended = CompressionCodecs.Get(type).Decompress(compressed, output, decompressedBytesMax);
        Assert.Equal(output.WrittenCount, appended);
        return output.WrittenSpan.ToArray();
    }
}
