using System.Buffers;

namespace Broker.Core.Compression;

/// <summary>
/// One compression codec. Implementations are stateless and thread-safe: one instance serves every caller.
/// Compressed forms are the ones Kafka's clients write, so batches are interchangeable with theirs:
/// gzip (RFC 1952), LZ4 frame format, zstd frame format.
/// </summary>
public interface ICompressionCodec
{
    CompressionType Type { get; }

    /// <summary>Compresses <paramref name="source"/> and appends the result to <paramref name="destination"/>.</summary>
    void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);

    /// <summary>
    /// Decompresses <paramref name="source"/> and appends the result to <paramref name="destination"/>.
    /// Throws <see cref="Errors.BrokerException"/> with <see cref="Errors.ErrorCode.CorruptMessage"/> when the input is
    /// not a valid stream, or when it would decompress to more than <paramref name="decompressedBytesMax"/> bytes
    /// (a guard against decompression bombs). On a throw, bytes already appended stay in <paramref name="destination"/>
    /// (a buffer writer cannot take them back): the caller discards them.
    /// </summary>
    /// <returns>The number of bytes appended.</returns>
    int Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int decompressedBytesMax);
}
