using System.Runtime.InteropServices;

namespace Broker.Core.Compression.Native;

/// <summary>
/// <c>LZ4F_preferences_t</c> of lz4frame.h (stable since lz4 1.8), with its leading <c>LZ4F_frameInfo_t</c> written
/// out field by field: the nested struct is 32 bytes with 8-byte alignment, so flattening it keeps every offset.
/// 56 bytes in all.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Lz4FramePreferences
{
    /// <summary><c>LZ4F_max64KB</c>: the block size Kafka's Java client writes.</summary>
    public const int BlockSize64KiB = 4;

    /// <summary><c>LZ4F_blockIndependent</c>.</summary>
    public const int BlockIndependent = 1;

    // LZ4F_frameInfo_t
    public int BlockSizeId;
    public int BlockMode;
    public int ContentChecksumFlag;
    public int FrameType;
    public ulong ContentSize;
    public uint DictionaryId;
    public int BlockChecksumFlag;

    // The rest of LZ4F_preferences_t.
    public int CompressionLevel;
    public uint AutoFlush;
    public uint FavorDecompressionSpeed;
    public uint Reserved0;
    public uint Reserved1;
    public uint Reserved2;
}
