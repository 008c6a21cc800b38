using System.Buffers;
using Broker.Core.Compression.Native;

namespace Broker.Core.Compression;

/// <summary>
/// Codec 3: the LZ4 frame format (Kafka's since KIP-57), through the system's liblz4. Frames are written as Kafka's
/// Java client writes them (64 KiB independent blocks, no checksums, no content size); any valid frame is read,
/// and so are several frames back to back, as the lz4 tool reads them.
/// </summary>
/// <remarks>
/// Compression uses lz4's default fast mode (level 0). LZ4F_compressFrame keeps its state on the native stack, so
/// nothing is cached for it. A decompression context is cached per thread: it keeps the block buffers it allocated,
/// which a frame with blocks that do not fit the destination chunk needs again on every call.
/// </remarks>
internal sealed unsafe class Lz4Codec : ICompressionCodec
{
    [ThreadStatic]
    private static Lz4DecompressionContextHandle? CachedContext;

    public CompressionType Type => CompressionType.Lz4;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        LibLz4.Library.EnsureLoaded();
        var preferences = KafkaFramePreferences();
        var bound = LibLz4.LZ4F_compressFrameBound((nuint)source.Length, &preferences);
        if (LibLz4.IsError(bound) || bound > (nuint)Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(source), source.Length, "too large to compress in one frame");
        }

        var target = destination.GetSpan((int)bound);
        nuint written;
        fixed (byte* sourceStart = source)
        fixed (byte* targetStart = target)
        {
            written = LibLz4.LZ4F_compressFrame(targetStart, (nuint)target.Length, sourceStart, (nuint)source.Length, &preferences);
        }

        if (LibLz4.IsError(written))
        {
            // The bound guarantees room, so this is a bug here or in the library, not bad input.
            throw new InvalidOperationException($"LZ4F_compressFrame failed: {LibLz4.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    public int Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int decompressedBytesMax)
    {
        var output = new DecompressionOutput(destination, decompressedBytesMax, Type);
        LibLz4.Library.EnsureLoaded();
        if (source.IsEmpty)
        {
            throw CodecErrors.EmptyInput(Type);
        }

        var context = NativeHandleCache.Take(ref CachedContext, CreateContext);
        try
        {
            // A previous call may have stopped mid-frame on an error.
            LibLz4.LZ4F_resetDecompressionContext(context);
            DecodeFrames(context, source, ref output);
            return output.BytesWritten;
        }
        finally
        {
            NativeHandleCache.GiveBack(ref CachedContext, context);
        }
    }

    private static void DecodeFrames(Lz4DecompressionContextHandle context, ReadOnlySpan<byte> source, ref DecompressionOutput output)
    {
        fixed (byte* sourceStart = source)
        {
            var consumed = 0;
            while (true)
            {
                var chunk = output.NextChunk();
                var sourceBytes = (nuint)(source.Length - consumed);
                var producedBytes = (nuint)chunk.Length;
                nuint hint;
                fixed (byte* chunkStart = chunk)
                {
                    hint = LibLz4.LZ4F_decompress(context, chunkStart, &producedBytes, sourceStart + consumed, &sourceBytes, null);
                }

                if (LibLz4.IsError(hint))
                {
                    throw CodecErrors.Corrupt(CompressionType.Lz4, LibLz4.ErrorName(hint));
                }

                consumed += (int)sourceBytes;
                output.Commit((int)producedBytes);
                if (consumed == source.Length)
                {
                    // A hint of 0 means the frame ended, here exactly with the input. Otherwise the frame goes on: a
                    // full chunk may mean buffered output is left to flush, anything less means input is missing.
                    if (hint == 0)
                    {
                        return;
                    }

                    if ((int)producedBytes < chunk.Length)
                    {
                        throw CodecErrors.Truncated(CompressionType.Lz4);
                    }
                }
                else if (sourceBytes == 0 && producedBytes == 0)
                {
                    // Never expected with input left and room to write; stopping beats spinning forever.
                    throw CodecErrors.Corrupt(CompressionType.Lz4, "the decoder made no progress");
                }
            }
        }
    }

    private static Lz4FramePreferences KafkaFramePreferences() => new()
    {
        BlockSizeId = Lz4FramePreferences.BlockSize64KiB,
        // Kafka's Java reader decodes each block on its own, so blocks must not refer back to earlier ones.
        BlockMode = Lz4FramePreferences.BlockIndependent,
        // Checksums stay off as in Kafka's writer: the batch CRC-32C already covers these bytes.
    };

    private static Lz4DecompressionContextHandle CreateContext()
    {
        var code = LibLz4.LZ4F_createDecompressionContext(out var context, LibLz4.FrameApiVersion);
        if (LibLz4.IsError(code))
        {
            context.Dispose();
            throw new InvalidOperationException($"LZ4F_createDecompressionContext failed: {LibLz4.ErrorName(code)}");
        }

        return context;
    }
}
