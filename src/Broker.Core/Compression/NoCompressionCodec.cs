using System.Buffers;

namespace Broker.Core.Compression;

/// <summary>
/// Codec 0: the bytes as they are. Copying through a codec lets callers treat every batch alike, with the same limit
/// on decompressed bytes, instead of branching on <see cref="CompressionType.None"/>.
/// </summary>
internal sealed class NoCompressionCodec : ICompressionCodec
{
    public CompressionType Type => CompressionType.None;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) => destination.Write(source);

    public int Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int decompressedBytesMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decompressedBytesMax);
        if (source.Length > decompressedBytesMax)
        {
            throw CodecErrors.TooLarge(Type, decompressedBytesMax);
        }

        destination.Write(source);
        return source.Length;
    }
}
