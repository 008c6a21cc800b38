using Microsoft.Win32.SafeHandles;

namespace Broker.Core.Compression.Native;

/// <summary>
/// A <c>ZSTD_CCtx*</c>. Being a SafeHandle, a context cached in a thread-static slot is freed by the finalizer once
/// its thread has exited, rather than leaking.
/// </summary>
internal sealed class ZstdCompressionContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The marshaller creates instances for the return value of ZSTD_createCCtx.
    public ZstdCompressionContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        LibZstd.ZSTD_freeCCtx(handle);
        return true;
    }
}
