using Microsoft.Win32.SafeHandles;

namespace Broker.Core.Compression.Native;

/// <summary>
/// An <c>LZ4F_dctx*</c>. Being a SafeHandle, a context cached in a thread-static slot is freed by the finalizer once
/// its thread has exited, rather than leaking.
/// </summary>
internal sealed class Lz4DecompressionContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The marshaller creates instances when LZ4F_createDecompressionContext returns one through its out parameter.
    public Lz4DecompressionContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        // Returns an error code only for a null context, which a valid handle never is.
        LibLz4.LZ4F_freeDecompressionContext(handle);
        return true;
    }
}
