using System.Runtime.InteropServices;

namespace Broker.Core.Compression.Native;

/// <summary>
/// The stable API (zstd.h) of the system's libzstd. Sizes are <c>size_t</c>, hence <see cref="nuint"/>; every function
/// returning <c>size_t</c> may return an error code, tested with <see cref="ZSTD_isError"/>.
/// Callers run <see cref="Library"/>.<see cref="NativeCodecLibrary.EnsureLoaded"/> before the first call.
/// </summary>
internal static unsafe partial class LibZstd
{
    private const string FileName = "libzstd.so.1";

    public static readonly NativeCodecLibrary Library = new(
        "zstd",
        FileName,
        "libzstd1",
        [
            "ZSTD_compressBound", "ZSTD_createCCtx", "ZSTD_freeCCtx", "ZSTD_compressCCtx", "ZSTD_createDStream",
            "ZSTD_freeDStream", "ZSTD_initDStream", "ZSTD_decompressStream", "ZSTD_getFrameContentSize", "ZSTD_isError",
            "ZSTD_getErrorName", "ZSTD_DCtx_setParameter",
        ]);

    [LibraryImport(FileName)]
    public static partial nuint ZSTD_compressBound(nuint sourceBytes);

    /// <summary>Returns null (an invalid handle) only when out of memory.</summary>
    [LibraryImport(FileName)]
    public static partial ZstdCompressionContextHandle ZSTD_createCCtx();

    [LibraryImport(FileName)]
    public static partial nuint ZSTD_freeCCtx(nint context);

    /// <summary>
    /// <c>ZSTD_compress</c> with a caller-owned context: the same bytes out, without allocating and freeing the
    /// context's tables on every call.
    /// </summary>
    [LibraryImport(FileName)]
    public static partial nuint ZSTD_compressCCtx(
        ZstdCompressionContextHandle context,
        byte* destination,
        nuint destinationCapacity,
        byte* source,
        nuint sourceBytes,
        int compressionLevel);

    /// <summary>Returns null (an invalid handle) only when out of memory.</summary>
    [LibraryImport(FileName)]
    public static partial ZstdDecompressionStreamHandle ZSTD_createDStream();

    [LibraryImport(FileName)]
    public static partial nuint ZSTD_freeDStream(nint stream);

    /// <summary>ZSTD_d_windowLogMax: the largest window (log2 bytes) a frame may ask the decoder to allocate.</summary>
    public const int DecompressionParameterWindowLogMax = 100;

    /// <summary>Sets a decompression parameter; a DStream is a DCtx since zstd 1.3.</summary>
    [LibraryImport(FileName)]
    public static partial nuint ZSTD_DCtx_setParameter(ZstdDecompressionStreamHandle stream, int parameter, int value);

    /// <summary>Starts a new session, dropping whatever a previous, possibly failed, decompression left behind.</summary>
    [LibraryImport(FileName)]
    public static partial nuint ZSTD_initDStream(ZstdDecompressionStreamHandle stream);

    /// <summary>
    /// Returns 0 once a frame is fully decoded and flushed, an error code, or else a positive hint that the current
    /// frame has more to decode or flush.
    /// </summary>
    [LibraryImport(FileName)]
    public static partial nuint ZSTD_decompressStream(
        ZstdDecompressionStreamHandle stream, ZstdOutBuffer* output, ZstdInBuffer* input);

    /// <summary>
    /// The decompressed size a frame header declares: <see cref="ContentSizeUnknown"/> when the writer streamed
    /// without knowing it, <see cref="ContentSizeError"/> when the header is invalid.
    /// </summary>
    [LibraryImport(FileName)]
    public static partial ulong ZSTD_getFrameContentSize(byte* source, nuint sourceBytes);

    /// <summary><c>ZSTD_CONTENTSIZE_UNKNOWN</c>.</summary>
    public const ulong ContentSizeUnknown = ulong.MaxValue;

    /// <summary><c>ZSTD_CONTENTSIZE_ERROR</c>.</summary>
    public const ulong ContentSizeError = ulong.MaxValue - 1;

    [LibraryImport(FileName)]
    public static partial uint ZSTD_isError(nuint code);

    // Returns a pointer to a static string: marshalled by hand so nothing tries to free it.
    [LibraryImport(FileName, EntryPoint = "ZSTD_getErrorName")]
    private static partial nint ZSTD_getErrorNamePointer(nuint code);

    public static bool IsError(nuint code) => ZSTD_isError(code) != 0;

    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8(ZSTD_getErrorNamePointer(code)) ?? "unknown error";
}
