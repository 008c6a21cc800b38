using System.Buffers;
using Broker.Core.Compression;
using Broker.Core.Errors;

namespace Broker.Core.Tests.Compression;

public class DecompressionLimitTests
{
    public static TheoryData<CompressionType> AllCodecs => CodecTestData.AllCodecs;

    public static TheoryData<CompressionType> CompressingCodecs => CodecTestData.CompressingCodecs;

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Output_of_exactly_the_limit_is_accepted(CompressionType type)
    {
        var payload = CodecTestData.LogLines(300_000);
        var compressed = CodecTestData.Compress(type, payload);
        Assert.Equal(payload, CodecTestData.Decompress(type, compressed, decompressedBytesMax: payload.Length));
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Output_of_one_byte_over_the_limit_is_corrupt(CompressionType type)
    {
        var payload = CodecTestData.LogLines(300_000);
        var compressed = CodecTestData.Compress(type, payload);
        var error = Assert.Throws<BrokerException>(
            () => CodecTestData.Decompress(type, compressed, decompressedBytesMax: payload.Length - 1));
        Assert.Equal(ErrorCode.CorruptMessage, error.Code);
        Assert.Contains($"limit of {payload.Length - 1} bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void An_empty_payload_fits_a_limit_of_zero(CompressionType type)
    {
        var compressed = CodecTestData.Compress(type, []);
        Assert.Empty(CodecTestData.Decompress(type, compressed, decompressedBytesMax: 0));
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void A_decompression_bomb_stops_at_the_limit_without_writing_past_it(CompressionType type)
    {
        // 32 MiB of zeros compresses to a few KiB; the decoder must stop near 1 MiB, not produce all 32.
        var compressed = CodecTestData.Compress(type, new byte[32 * CodecTestData.MiB]);
        Assert.True(compressed.Length < 200 * 1024);
        var destination = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<BrokerException>(
            () => CompressionCodecs.Get(type).Decompress(compressed, destination, CodecTestData.MiB));

        Assert.Equal(ErrorCode.CorruptMessage, error.Code);
        Assert.True(destination.WrittenCount <= CodecTestData.MiB);
        Assert.True(destination.Capacity <= 4 * CodecTestData.MiB, $"destination grew to {destination.Capacity} bytes");
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void A_negative_limit_is_a_programming_error(CompressionType type)
    {
        var compressed = CodecTestData.Compress(type, "x"u8);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => CompressionCodecs.Get(type).Decompress(compressed, new ArrayBufferWriter<byte>(), -1));
    }
}
