using System.Buffers;
using Broker.Core.Compression.Native;

namespace Broker.Core.Compression;

/// <summary>
/// Codec 4: the zstd frame format, through the system's libzstd. Compresses at level 3 (zstd's default and Kafka's
/// default <c>compression.zstd.level</c>); reads any valid frame, with or without a declared content size, and
/// several frames back to back.
/// </summary>
/// <remarks>
/// Both native contexts are cached per thread. A compression context holds the match-finder tables of its level
/// (for level 3 and 1 MiB of input, over a megabyte), which <c>ZSTD_compress</c> would allocate, clear and free on
/// every call; <c>ZSTD_compressCCtx</c> on a kept context writes the same bytes. A decompression stream keeps its
/// window buffer. A cached context lives as long as its thread and is freed by its SafeHandle's finalizer after that.
/// The window a frame may ask for is zstd's default maximum (2^27 bytes), as in Kafka's own zstd reader; the limit on
/// decompressed bytes bounds the output, not that allocation.
/// </remarks>
internal sealed unsafe class ZstdCodec : ICompressionCodec
{
    private const int CompressionLevel = 3;

    [ThreadStatic]
    private static ZstdCompressionContextHandle? CachedCompressionContext;

    [ThreadStatic]
    private static ZstdDecompressionStreamHandle? CachedDecompressionStream;

    public CompressionType Type => CompressionType.Zstd;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        LibZstd.Library.EnsureLoaded();
        var bound = LibZstd.ZSTD_compressBound((nuint)source.Length);
        if (LibZstd.IsError(bound) || bound > (nuint)Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(source), source.Length, "too large to compress in one frame");
        }

        var target = destination.GetSpan((int)bound);
        var context = NativeHandleCache.Take(ref CachedCompressionContext, CreateCompressionContext);
        nuint written;
        try
        {
            fixed (byte* sourceStart = source)
            fixed (byte* targetStart = target)
            {
                written = LibZstd.ZSTD_compressCCtx(
                    context, targetStart, (nuint)target.Length, sourceStart, (nuint)source.Length, CompressionLevel);
            }
        }
        finally
        {
            // ZSTD_compressCCtx starts every frame afresh, so a context is reusable whatever happened.
            NativeHandleCache.GiveBack(ref CachedCompressionContext, context);
        }

        if (LibZstd.IsError(written))
        {
            // The bound guarantees room, so this is a bug here or in the library, not bad input.
            throw new InvalidOperationException($"ZSTD_compressCCtx failed: {LibZstd.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    public int Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int decompressedBytesMax)
    {
        var output = new DecompressionOutput(destination, decompressedBytesMax, Type);
        LibZstd.Library.EnsureLoaded();
        if (source.IsEmpty)
        {
            throw CodecErrors.EmptyInput(Type);
        }

        var stream = NativeHandleCache.Take(ref CachedDecompressionStream, CreateDecompressionStream);
        try
        {
            // A previous call may have stopped mid-frame on an error.
            var reset = LibZstd.ZSTD_initDStream(stream);
            if (LibZstd.IsError(reset))
            {
                throw new InvalidOperationException($"ZSTD_initDStream failed: {LibZstd.ErrorName(reset)}");
            }

            DecodeFrames(stream, source, ref output);
            return output.BytesWritten;
        }
        finally
        {
            NativeHandleCache.GiveBack(ref CachedDecompressionStream, stream);
        }
    }

    private static void DecodeFrames(ZstdDecompressionStreamHandle stream, ReadOnlySpan<byte> source, ref DecompressionOutput output)
    {
        fixed (byte* sourceStart = source)
        {
            var input = new ZstdInBuffer { Source = sourceStart, Size = (nuint)source.Length };
            var sizeHint = FirstChunkBytesHint(sourceStart, source.Length);
            while (true)
            {
                var chunk = output.NextChunk(sizeHint);
                sizeHint = DecompressionOutput.ChunkBytesHint;
                var consumedBefore = input.Position;
                nuint result;
                ZstdOutBuffer room;
                fixed (byte* chunkStart = chunk)
                {
                    room = new ZstdOutBuffer { Destination = chunkStart, Size = (nuint)chunk.Length };
                    result = LibZstd.ZSTD_decompressStream(stream, &room, &input);
                }

                if (LibZstd.IsError(result))
                {
                    throw CodecErrors.Corrupt(CompressionType.Zstd, LibZstd.ErrorName(result));
                }

                output.Commit((int)room.Position);
                if (input.Position == input.Size)
                {
                    // 0 means the frame is decoded and flushed, here exactly with the input. Otherwise the frame goes
                    // on: a full chunk may mean buffered output is left to flush, anything less means input is missing.
                    if (result == 0)
                    {
                        return;
                    }

                    if (room.Position < room.Size)
                    {
                        throw CodecErrors.Truncated(CompressionType.Zstd);
                    }
                }
                else if (input.Position == consumedBefore && room.Position == 0)
                {
                    // Never expected with input left and room to write; stopping beats spinning forever.
                    throw CodecErrors.Corrupt(CompressionType.Zstd, "the decoder made no progress");
                }
            }
        }
    }

    /// <summary>
    /// The declared content size when the first frame has one (ZSTD_compress always writes it): offered room for the
    /// whole of it, zstd decodes the frame in one pass straight into the destination instead of through its window
    /// buffer. The caller's limit still caps the room, so a false declaration cannot make it allocate more.
    /// </summary>
    private static long FirstChunkBytesHint(byte* source, int sourceBytes)
    {
        var declared = LibZstd.ZSTD_getFrameContentSize(source, (nuint)sourceBytes);
        return declared is LibZstd.ContentSizeUnknown or LibZstd.ContentSizeError or > int.MaxValue
            ? DecompressionOutput.ChunkBytesHint
            : (long)declared;
    }

    private static ZstdCompressionContextHandle CreateCompressionContext()
    {
        var context = LibZstd.ZSTD_createCCtx();
        return context.IsInvalid ? throw new InvalidOperationException("ZSTD_createCCtx failed (out of memory)") : context;
    }

    private static ZstdDecompressionStreamHandle CreateDecompressionStream()
    {
        var stream = LibZstd.ZSTD_createDStream();
        return stream.IsInvalid ? throw new InvalidOperationException("ZSTD_createDStream failed (out of memory)") : stream;
    }
}
