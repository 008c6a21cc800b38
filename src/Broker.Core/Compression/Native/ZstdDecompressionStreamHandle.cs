using Microsoft.Win32.SafeHandles;

namespace Broker.Core.Compression.Native;

/// <summary>
/// A <c>ZSTD_DStream*</c>. Being a SafeHandle, a stream cached in a thread-static slot is freed by the finalizer once
/// its thread has exited, rather than leaking.
/// </summary>
internal sealed class ZstdDecompressionStreamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The marshaller creates instances for the return value of ZSTD_createDStream.
    public ZstdDecompressionStreamHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        LibZstd.ZSTD_freeDStream(handle);
        return true;
    }
}
