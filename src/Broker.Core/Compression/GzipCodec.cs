using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Broker.Core.Compression;

/// <summary>
/// Codec 1: a single-member gzip stream (RFC 1952), what Kafka's Java client (java.util.zip.GZIPOutputStream),
/// librdkafka and the Go clients write. Uses the zlib of System.IO.Compression.
/// </summary>
/// <remarks>
/// System.IO.Compression ends a truncated stream quietly, as if it were complete (unless the whole process opts in
/// to System.IO.Compression.UseStrictValidation, which a library cannot rely on). zlib does check the CRC-32 and
/// length in the trailer when it reaches it, so <see cref="Decompress"/> adds the one check zlib cannot make: that the
/// trailer it checked is the last eight bytes of the input, by comparing the trailer's length field with the bytes
/// decoded. A cut stream passes only if its last four bytes happen to equal that length (about 1 in 2^32), and the
/// batch CRC-32C has caught accidental damage before this anyway. The price: streams of several concatenated members,
/// which no Kafka client writes, are rejected.
/// </remarks>
internal sealed class GzipCodec : ICompressionCodec
{
    /// <summary>java.util.zip's default level, so batches are as large as the Java client's.</summary>
    private const int CompressionLevel = 6;

    /// <summary>10-byte header, 2 bytes for the shortest deflate stream (an empty fixed block), 8-byte trailer.</summary>
    private const int StreamBytesMin = 20;

    private const int TrailerLengthFieldBytes = 4;

    /// <summary>
    /// The gzip stream of no bytes (as <c>gzip -n</c> writes it): header, an empty final fixed-Huffman block, CRC-32 0,
    /// length 0. GZipStream writes nothing at all when given nothing, which no gzip reader accepts.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyStream =>
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    public CompressionType Type => CompressionType.Gzip;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        if (source.IsEmpty)
        {
            destination.Write(EmptyStream);
            return;
        }

        // Disposing the GZipStream writes the last block and the trailer.
        using var sink = new BufferWriterStream(destination);
        using var gzip = new GZipStream(sink, new ZLibCompressionOptions { CompressionLevel = CompressionLevel });
        gzip.Write(source);
    }

    public int Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int decompressedBytesMax)
    {
        var output = new DecompressionOutput(destination, decompressedBytesMax, Type);
        if (source.IsEmpty)
        {
            throw CodecErrors.EmptyInput(Type);
        }

        if (source.Length < StreamBytesMin)
        {
            throw CodecErrors.Corrupt(Type, $"{source.Length} bytes is shorter than any gzip stream ({StreamBytesMin})");
        }

        try
        {
            Inflate(source, ref output);
        }
        catch (InvalidDataException e)
        {
            throw CodecErrors.Corrupt(Type, e.Message, e);
        }

        var trailerLength = BinaryPrimitives.ReadUInt32LittleEndian(source[^TrailerLengthFieldBytes..]);
        if (trailerLength != unchecked((uint)output.BytesWritten))
        {
            throw CodecErrors.Corrupt(
                Type,
                $"decoded {output.BytesWritten} bytes but the last bytes of the input say {trailerLength}: the stream is "
                + "truncated, has bytes after its end, or has several members");
        }

        return output.BytesWritten;
    }

    private static unsafe void Inflate(ReadOnlySpan<byte> source, ref DecompressionOutput output)
    {
        // GZipStream reads a Stream; the pinned span is wrapped as one rather than copied into an array.
        fixed (byte* sourceStart = source)
        {
            using var compressed = new UnmanagedMemoryStream(sourceStart, source.Length);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            while (true)
            {
                var chunk = output.NextChunk();
                var read = gzip.Read(chunk);
                if (read == 0)
                {
                    return;
                }

                output.Commit(read);
            }
        }
    }
}
