using System.Buffers;

namespace Broker.Core.Compression;

/// <summary>
/// The destination of one decompression, handed out chunk by chunk so that the limit on decompressed bytes holds
/// without knowing the decompressed size up front: a chunk never reaches more than one byte past the limit, and
/// <see cref="Commit"/> throws when that byte is used. Bytes committed before a failure stay in the destination.
/// </summary>
internal ref struct DecompressionOutput
{
    /// <summary>
    /// 128 KiB: zstd's recommended output size (ZSTD_DStreamOutSize, one full block) and two of the 64 KiB blocks
    /// Kafka writes lz4 frames with, so each native call decodes whole blocks.
    /// </summary>
    public const int ChunkBytesHint = 128 * 1024;

    private readonly IBufferWriter<byte> _destination;
    private readonly int _bytesMax;
    private readonly CompressionType _codec;

    public DecompressionOutput(IBufferWriter<byte> destination, int bytesMax, CompressionType codec)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesMax);
        _destination = destination;
        _bytesMax = bytesMax;
        _codec = codec;
    }

    public int BytesWritten { get; private set; }

    /// <summary>Room for the next decoded bytes: at least one byte, at most one byte past the limit.</summary>
    public readonly Span<byte> NextChunk(long sizeHint = ChunkBytesHint)
    {
        // One byte past the limit is room enough to learn that the limit would be exceeded.
        var roomMax = (long)_bytesMax - BytesWritten + 1;
        var span = _destination.GetSpan((int)Math.Clamp(sizeHint, 1, roomMax));
        return span.Length > roomMax ? span[..(int)roomMax] : span;
    }

    /// <summary>Keeps <paramref name="bytes"/> written at the start of the last chunk.</summary>
    public void Commit(int bytes)
    {
        if (bytes > _bytesMax - BytesWritten)
        {
            throw CodecErrors.TooLarge(_codec, _bytesMax);
        }

        _destination.Advance(bytes);
        BytesWritten += bytes;
    }
}
