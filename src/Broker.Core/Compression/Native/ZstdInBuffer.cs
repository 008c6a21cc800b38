using System.Runtime.InteropServices;

namespace Broker.Core.Compression.Native;

/// <summary><c>ZSTD_inBuffer</c>: the input of one streaming call; zstd advances <see cref="Position"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdInBuffer
{
    public byte* Source;
    public nuint Size;
    public nuint Position;
}
