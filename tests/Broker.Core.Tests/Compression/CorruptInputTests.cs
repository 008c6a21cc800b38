using Broker.Core.Compression;
using Broker.Core.Errors;

namespace Broker.Core.Tests.Compression;

/// <summary>Bad input must end in <see cref="ErrorCode.CorruptMessage"/>: never a crash, a hang or another exception.</summary>
public class CorruptInputTests
{
    public static TheoryData<CompressionType> CompressingCodecs => CodecTestData.CompressingCodecs;

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Empty_input_is_corrupt(CompressionType type)
    {
        AssertCorrupt(type, []);
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Every_proper_prefix_of_a_stream_is_corrupt(CompressionType type)
    {
        var compressed = CodecTestData.Compress(type, CodecTestData.LogLines(2_000));
        for (var length = 0; length < compressed.Length; length++)
        {
            AssertCorrupt(type, compressed[..length]);
        }
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void A_stream_cut_between_blocks_of_a_large_payload_is_corrupt(CompressionType type)
    {
        // 1 MiB spans many blocks; these cuts land inside and between them, and in the trailer.
        var compressed = CodecTestData.Compress(type, CodecTestData.LogLines(CodecTestData.MiB));
        foreach (var cut in new[] { 1, 2, 3, 4, 5, 8, 9, 100, compressed.Length / 3, compressed.Length / 2 })
        {
            AssertCorrupt(type, compressed[..^cut]);
        }
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Bytes_after_the_end_of_a_stream_are_corrupt(CompressionType type)
    {
        var compressed = CodecTestData.Compress(type, "hello kafka"u8);
        AssertCorrupt(type, [.. compressed, 0x00]);
        AssertCorrupt(type, [.. compressed, .. "trailing garbage"u8]);
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Random_garbage_is_corrupt(CompressionType type)
    {
        var random = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(1, 600)];
            random.NextBytes(garbage);
            AssertCorrupt(type, garbage);
        }
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Random_garbage_behind_a_valid_magic_number_is_corrupt(CompressionType type)
    {
        // Gets past the first check of each decoder and into header and block parsing.
        var magic = CodecTestData.Compress(type, [])[..4];
        var random = new Random(6);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(1, 600)];
            random.NextBytes(garbage);
            AssertCorrupt(type, [.. magic, .. garbage]);
        }
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Flipping_any_bit_pattern_in_any_byte_decodes_or_is_corrupt_but_never_fails_otherwise(CompressionType type)
    {
        // Without a content checksum (lz4 and zstd frames as Kafka writes them) a flipped literal decodes to other
        // bytes: that is what the batch CRC-32C is for. All that matters here is that nothing else goes wrong.
        var payload = CodecTestData.LogLines(3_000);
        var compressed = CodecTestData.Compress(type, payload);
        foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (var position = 0; position < compressed.Length; position++)
            {
                var damaged = (byte[])compressed.Clone();
                damaged[position] ^= mask;
                try
                {
                    CodecTestData.Decompress(type, damaged, decompressedBytesMax: 2 * payload.Length);
                }
                catch (BrokerException e) when (e.Code == ErrorCode.CorruptMessage)
                {
                    // Expected for most positions.
                }
            }
        }
    }

    [Fact]
    public void A_gzip_stream_of_two_members_is_rejected()
    {
        // java.util.zip and every Kafka client write one member; see GzipCodec for why several are not accepted.
        byte[] twoMembers =
        [
            .. CodecTestData.Compress(CompressionType.Gzip, "hello "u8),
            .. CodecTestData.Compress(CompressionType.Gzip, "kafka"u8),
        ];
        AssertCorrupt(CompressionType.Gzip, twoMembers);
    }

    [Fact]
    public void A_gzip_stream_with_a_wrong_CRC_is_corrupt()
    {
        var compressed = CodecTestData.Compress(CompressionType.Gzip, CodecTestData.LogLines(10_000));
        compressed[^8] ^= 0x01;
        AssertCorrupt(CompressionType.Gzip, compressed);
    }

    private static void AssertCorrupt(CompressionType type, byte[] input)
    {
        var error = Assert.Throws<BrokerException>(() => CodecTestData.Decompress(type, input));
        Assert.Equal(ErrorCode.CorruptMessage, error.Code);
    }
}
