using System.Runtime.InteropServices;

namespace Broker.Core.Compression.Native;

/// <summary>
/// The LZ4 frame API (lz4frame.h) of the system's liblz4. Sizes are <c>size_t</c>, hence <see cref="nuint"/>; every
/// function returning <c>size_t</c> may return an error code, tested with <see cref="LZ4F_isError"/>.
/// Callers run <see cref="Library"/>.<see cref="NativeCodecLibrary.EnsureLoaded"/> before the first call.
/// </summary>
internal static unsafe partial class LibLz4
{
    private const string FileName = "liblz4.so.1";

    /// <summary><c>LZ4F_VERSION</c>: the API version a decompression context is created for.</summary>
    public const uint FrameApiVersion = 100;

    public static readonly NativeCodecLibrary Library = new(
        "lz4",
        FileName,
        "liblz4-1",
        [
            "LZ4F_compressFrameBound", "LZ4F_compressFrame", "LZ4F_createDecompressionContext",
            "LZ4F_freeDecompressionContext", "LZ4F_resetDecompressionContext", "LZ4F_decompress",
            "LZ4F_isError", "LZ4F_getErrorName",
        ]);

    [LibraryImport(FileName)]
    public static partial nuint LZ4F_compressFrameBound(nuint sourceBytes, Lz4FramePreferences* preferences);

    [LibraryImport(FileName)]
    public static partial nuint LZ4F_compressFrame(
        byte* destination, nuint destinationCapacity, byte* source, nuint sourceBytes, Lz4FramePreferences* preferences);

    [LibraryImport(FileName)]
    public static partial nuint LZ4F_createDecompressionContext(out Lz4DecompressionContextHandle context, uint version);

    [LibraryImport(FileName)]
    public static partial nuint LZ4F_freeDecompressionContext(nint context);

    [LibraryImport(FileName)]
    public static partial void LZ4F_resetDecompressionContext(Lz4DecompressionContextHandle context);

    /// <summary>
    /// Decodes from <paramref name="source"/> into <paramref name="destination"/>; on return the two size arguments
    /// hold the bytes consumed and produced. Returns 0 when a frame is complete, else a hint of input still needed.
    /// </summary>
    [LibraryImport(FileName)]
    public static partial nuint LZ4F_decompress(
        Lz4DecompressionContextHandle context,
        byte* destination,
        nuint* destinationBytes,
        byte* source,
        nuint* sourceBytes,
        void* options);

    [LibraryImport(FileName)]
    public static partial uint LZ4F_isError(nuint code);

    // Returns a pointer to a static string: marshalled by hand so nothing tries to free it.
    [LibraryImport(FileName, EntryPoint = "LZ4F_getErrorName")]
    private static partial nint LZ4F_getErrorNamePointer(nuint code);

    public static bool IsError(nuint code) => LZ4F_isError(code) != 0;

    public static string ErrorName(nuint code) => Marshal.PtrToStringUTF8(LZ4F_getErrorNamePointer(code)) ?? "unknown error";
}
