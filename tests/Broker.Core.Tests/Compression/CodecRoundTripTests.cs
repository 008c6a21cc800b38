using System.Buffers;
using Broker.Core.Compression;

namespace Broker.Core.Tests.Compression;

public class CodecRoundTripTests
{
    public static TheoryData<CompressionType, string> CodecsAndPayloads()
    {
        var data = new TheoryData<CompressionType, string>();
        CompressionType[] codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd];
        foreach (var codec in codecs)
        {
            foreach (var payload in Payloads.Keys)
            {
                data.Add(codec, payload);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, byte[]> Payloads = new()
    {
        ["empty"] = [],
        ["one byte"] = [0x2A],
        ["highly compressible"] = new byte[256 * 1024],
        ["random"] = CodecTestData.RandomBytes(100_000),
        ["1 MiB of log lines"] = CodecTestData.LogLines(CodecTestData.MiB),
        ["1 MiB random"] = CodecTestData.RandomBytes(CodecTestData.MiB, seed: 3),
    };

    [Theory]
    [MemberData(nameof(CodecsAndPayloads))]
    public void Decompressing_what_was_compressed_gives_the_original_bytes(CompressionType type, string payloadName)
    {
        var payload = Payloads[payloadName];
        var compressed = CodecTestData.Compress(type, payload);
        Assert.Equal(payload, CodecTestData.Decompress(type, compressed));
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Compressible_data_shrinks_and_random_data_grows_only_by_framing(CompressionType type)
    {
        var logLines = CodecTestData.LogLines(CodecTestData.MiB);
        Assert.True(CodecTestData.Compress(type, logLines).Length < logLines.Length / 3);

        // Framing overhead on incompressible input: lz4 and zstd store blocks raw, deflate uses stored blocks.
        var random = CodecTestData.RandomBytes(CodecTestData.MiB);
        Assert.InRange(CodecTestData.Compress(type, random).Length, random.Length, random.Length + 1024);
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Compression_appends_after_what_the_destination_already_holds(CompressionType type)
    {
        var destination = new ArrayBufferWriter<byte>();
        destination.Write("prefix"u8);
        CompressionCodecs.Get(type).Compress("hello kafka"u8, destination);

        Assert.True(destination.WrittenSpan.StartsWith("prefix"u8));
        Assert.Equal("hello kafka"u8.ToArray(), CodecTestData.Decompress(type, destination.WrittenSpan[6..]));
    }

    [Theory]
    [MemberData(nameof(AllCodecsData))]
    public void Decompression_into_destinations_of_any_chunk_size_gives_the_same_bytes(CompressionType type)
    {
        var payload = CodecTestData.LogLines(200_000);
        var compressed = CodecTestData.Compress(type, payload);
        foreach (var chunkBytes in new[] { 1, 2, 3, 7, 100, 4096, 65_535, 65_537 })
        {
            var destination = new SmallChunkBufferWriter(chunkBytes);
            var appended = CompressionCodecs.Get(type).Decompress(compressed, destination, payload.Length);
            Assert.Equal(payload.Length, appended);
            Assert.True(payload.AsSpan().SequenceEqual(destination.WrittenSpan), $"chunks of {chunkBytes} bytes");
        }
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void Codecs_serve_many_threads_at_once(CompressionType type)
    {
        var payloads = Enumerable.Range(0, 16).Select(seed => CodecTestData.LogLines(50_000 + seed * 1000, seed)).ToArray();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var payload = payloads[i % payloads.Length];
            Assert.Equal(payload, CodecTestData.Decompress(type, CodecTestData.Compress(type, payload)));
        });
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void A_decompression_started_from_inside_another_on_the_same_thread_does_not_disturb_it(CompressionType type)
    {
        // The destination's GetSpan re-enters the codec, as a destination that decodes something else might; the two
        // must not share the thread's cached native context.
        var outer = CodecTestData.LogLines(300_000, seed: 1);
        var inner = CodecTestData.LogLines(100_000, seed: 2);
        var outerCompressed = CodecTestData.Compress(type, outer);
        var innerCompressed = CodecTestData.Compress(type, inner);
        var innerCalls = 0;
        var destination = new SmallChunkBufferWriter(50_000)
        {
            OnGetSpan = () =>
            {
                innerCalls++;
                Assert.Equal(inner, CodecTestData.Decompress(type, innerCompressed));
            },
        };

        CompressionCodecs.Get(type).Decompress(outerCompressed, destination, outer.Length);

        Assert.True(innerCalls > 1);
        Assert.True(outer.AsSpan().SequenceEqual(destination.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(CompressingCodecs))]
    public void A_failed_decompression_leaves_the_codec_usable_on_the_same_thread(CompressionType type)
    {
        var payload = CodecTestData.LogLines(300_000);
        var compressed = CodecTestData.Compress(type, payload);

        // Stops mid-frame, once on a cut input and once on the size limit, leaving native state half way.
        Assert.Throws<Broker.Core.Errors.BrokerException>(() => CodecTestData.Decompress(type, compressed[..(compressed.Length / 2)]));
        Assert.Throws<Broker.Core.Errors.BrokerException>(() => CodecTestData.Decompress(type, compressed, payload.Length / 2));

        Assert.Equal(payload, CodecTestData.Decompress(type, compressed));
    }

    public static TheoryData<CompressionType> CompressingCodecs => CodecTestData.CompressingCodecs;

    public static TheoryData<CompressionType> AllCodecsData => CodecTestData.AllCodecs;
}
