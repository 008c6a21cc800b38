using Microsoft.Win32.SafeHandles;

namespace Broker.Core.Compression.Native;

/// <summary>
/// Take and give back a native context kept in a <c>[ThreadStatic]</c> slot. A context is taken out of its slot while
/// in use, so a re-entrant call on the same thread (say, from inside a destination's GetSpan) creates its own instead
/// of sharing one mid-frame; whichever comes back second is freed.
/// </summary>
internal static class NativeHandleCache
{
    public static THandle Take<THandle>(ref THandle? slot, Func<THandle> create)
        where THandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        var handle = slot;
        if (handle is null)
        {
            return create();
        }

        slot = null;
        return handle;
    }

    public static void GiveBack<THandle>(ref THandle? slot, THandle handle)
        where THandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        if (slot is null)
        {
            slot = handle;
        }
        else
        {
            handle.Dispose();
        }
    }
}
