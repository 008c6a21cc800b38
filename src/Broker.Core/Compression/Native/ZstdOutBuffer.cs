using System.Runtime.InteropServices;

namespace Broker.Core.Compression.Native;

/// <summary><c>ZSTD_outBuffer</c>: the output room of one streaming call; zstd advances <see cref="Position"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdOutBuffer
{
    public byte* Destination;
    public nuint Size;
    public nuint Position;
}
