using System.Text;
using Broker.Core.Compression;

namespace Broker.Core.Tests.Compression;

/// <summary>
/// Bytes written by the reference command-line tools (lz4 1.9.4, zstd 1.5.4, gzip 1.12, Debian bookworm), embedded
/// so the tests need no tool at run time. Each comment gives the command that made the vector.
/// </summary>
public class ReferenceToolVectorTests
{
    // printf 'hello kafka' | lz4 -c
    private const string Lz4Hello = "04224d186440a70b00008068656c6c6f206b61666b61000000008411881b";

    // printf 'hello kafka' | lz4 -c -BX -BD: a block checksum as well as the content checksum lz4 always adds.
    private const string Lz4HelloWithChecksums = "04224d187440bd0b00008068656c6c6f206b61666b618411881b000000008411881b";

    // (printf 'hello ' | lz4 -c; printf 'kafka' | lz4 -c): two frames back to back.
    private const string Lz4HelloTwoFrames =
        "04224d186440a70600008068656c6c6f2000000000ba53ad8f04224d186440a7050000806b61666b6100000000f5cb8ede";

    // yes 'hello kafka' | head -c 200000 | lz4 -c -BD -B4: four 64 KiB linked blocks (FLG 0x44), each referring back.
    private const string Lz4RepeatedLinkedBlocks = "04224d1844405e16010000cf68656c6c6f206b61666b610a0c00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc500a68656c6c0a0100000ffcffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe8506c6f206b6116010000cf666b610a68656c6c6f206b610c00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc5061666b610a170000000ffcffffffffffffffffffffffffffff35506c6f206b61000000007796aded";

    // printf 'hello kafka' | zstd -c
    private const string ZstdHello = "28b52ffd045859000068656c6c6f206b61666b617cc9a62d";

    // (printf 'hello ' | zstd -c; printf 'kafka' | zstd -c): two frames back to back.
    private const string ZstdHelloTwoFrames =
        "28b52ffd045831000068656c6c6f20d23be1a928b52ffd04582900006b61666b616b3eb36c";

    // yes 'hello kafka' | head -c 200000 | zstd -c -19
    private const string ZstdRepeatedLevel19 = "28b52ffda4400d0300a400006068656c6c6f206b61666b610a0100f1ffcf4b124500000001003d0dcf0b108798d4bc";

    // printf 'hello kafka' | gzip -c -n
    private const string GzipHello = "1f8b0800000000000003cb48cdc9c957c84e4ccb4e0400d175816c0b000000";

    // yes 'hello kafka' | head -c 200000 | gzip -c -n -9
    private const string GzipRepeatedLevel9 = "1f8b0800000000000203edc6310d00200c00b01f1558db0159b225f3ff610101edd53cddb32b6ec54a777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777fffa0392064387400d0300";

    public static TheoryData<CompressionType, string> HelloVectors => new()
    {
        { CompressionType.Lz4, Lz4Hello },
        { CompressionType.Lz4, Lz4HelloWithChecksums },
        { CompressionType.Lz4, Lz4HelloTwoFrames },
        { CompressionType.Zstd, ZstdHello },
        { CompressionType.Zstd, ZstdHelloTwoFrames },
        { CompressionType.Gzip, GzipHello },
    };

    public static TheoryData<CompressionType, string> RepeatedVectors => new()
    {
        { CompressionType.Lz4, Lz4RepeatedLinkedBlocks },
        { CompressionType.Zstd, ZstdRepeatedLevel19 },
        { CompressionType.Gzip, GzipRepeatedLevel9 },
    };

    [Theory]
    [MemberData(nameof(HelloVectors))]
    public void Tool_output_for_hello_kafka_decodes_to_hello_kafka(CompressionType type, string hex)
    {
        var decoded = CodecTestData.Decompress(type, Convert.FromHexString(hex));
        Assert.Equal("hello kafka", Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [MemberData(nameof(RepeatedVectors))]
    public void Tool_output_spanning_several_blocks_decodes_to_the_original(CompressionType type, string hex)
    {
        var expected = new StringBuilder();
        while (expected.Length < 200_000)
        {
            expected.Append("hello kafka\n");
        }

        var decoded = CodecTestData.Decompress(type, Convert.FromHexString(hex));
        Assert.Equal(expected.ToString(0, 200_000), Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [MemberData(nameof(HelloVectors))]
    public void A_wrong_checksum_in_tool_output_is_caught_where_the_format_has_one(CompressionType type, string hex)
    {
        var bytes = Convert.FromHexString(hex);

        // The tools end every frame with a check: lz4 and zstd a content checksum, gzip the CRC-32 and length.
        bytes[^1] ^= 0x01;

        var error = Assert.Throws<Broker.Core.Errors.BrokerException>(() => CodecTestData.Decompress(type, bytes));
        Assert.Equal(Broker.Core.Errors.ErrorCode.CorruptMessage, error.Code);
    }

    [Fact]
    public void Lz4_frames_carry_the_header_Kafka_writes()
    {
        // Magic 184D2204, FLG 0x60 (version 1, independent blocks, no checksums, no content size), BD 0x40 (64 KiB
        // blocks), header checksum 0x82: the bytes Kafka's KafkaLZ4BlockOutputStream starts every frame with.
        var compressed = CodecTestData.Compress(CompressionType.Lz4, "hello kafka"u8);
        Assert.Equal(Convert.FromHexString("04224D18604082"), compressed[..7]);
    }

    [Fact]
    public void Zstd_frames_declare_their_content_size()
    {
        // Frame header descriptor 0x20: single segment with a one-byte content size, here 11 for "hello kafka".
        var compressed = CodecTestData.Compress(CompressionType.Zstd, "hello kafka"u8);
        Assert.Equal(Convert.FromHexString("28B52FFD200B"), compressed[..6]);
    }

    [Fact]
    public void Gzip_streams_are_one_deflate_member_with_an_RFC_1952_header()
    {
        // ID1 ID2, CM 8 (deflate), no flags; the last four bytes are the length modulo 2^32.
        var compressed = CodecTestData.Compress(CompressionType.Gzip, "hello kafka"u8);
        Assert.Equal(Convert.FromHexString("1F8B0800"), compressed[..4]);
        Assert.Equal(11, BitConverter.ToInt32(compressed, compressed.Length - 4));
    }
}
