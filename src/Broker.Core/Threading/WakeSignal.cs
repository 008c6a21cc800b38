using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Broker.Core.Threading;

/// <summary>
/// A manual-reset signal for one waiting thread at a time (any number of threads may set it), which wakes that thread
/// with one system call and no lock on either side. <see cref="ManualResetEventSlim"/> sets under its monitor and the
/// runtime's wait under it takes a mutex of its own: a woken thread preempts the setter on its CPU, finds one of them
/// still held, sleeps again and is woken again, three or four context switches per wake where one would do (measured on
/// the consumer's fetch arrivals). On Linux the waiter parks on an eventfd instead: a set writes to it only when the
/// waiter is parked, and the waiter polls it, so a set nobody waits for costs an interlocked exchange. Elsewhere, or
/// where the eventfd cannot be made, it is a <see cref="ManualResetEventSlim"/>.
/// </summary>
public sealed partial class WakeSignal : IDisposable
{
    private const int Unset = 0;
    private const int Signalled = 1;
    private const int Parked = 2;
    private const int EfdNonBlock = 0x800;
    private const int EfdCloexec = 0x80000;
    private const short PollIn = 1;
    private const int Eintr = 4;

    private readonly SafeFileHandle? _eventFd;
    private readonly ManualResetEventSlim? _fallback;
    private int _state;

    public WakeSignal()
        : this(preferEventFd: true)
    {
    }

    /// <summary>With <paramref name="preferEventFd"/> false, the fallback everywhere (tests run both).</summary>
    internal WakeSignal(bool preferEventFd)
    {
        _eventFd = preferEventFd && OperatingSystem.IsLinux() ? TryCreateEventFd() : null;
        if (_eventFd is null)
        {
            _fallback = new ManualResetEventSlim(initialState: false, spinCount: 0);
        }
    }

    /// <summary>False where the signal fell back to <see cref="ManualResetEventSlim"/> (not Linux, or no eventfd).</summary>
    public bool UsesEventFd => _eventFd is not null;

    public bool IsSet => _fallback?.IsSet ?? Volatile.Read(ref _state) == Signalled;

    /// <summary>Sets the signal and wakes the waiter, if one is parked. Safe from any thread, also after
    /// <see cref="Dispose"/> (it then does nothing).</summary>
    public void Set()
    {
        if (_fallback is not null)
        {
            try
            {
                _fallback.Set();
            }
            catch (ObjectDisposedException)
            {
                // Set after disposal: nobody waits any more.
            }

            return;
        }

        if (Interlocked.Exchange(ref _state, Signalled) == Parked)
        {
            Post();
        }
    }

    /// <summary>Unsets the signal: only the waiting thread resets, before it looks for work and waits.</summary>
    public void Reset()
    {
        if (_fallback is not null)
        {
            _fallback.Reset();
            return;
        }

        Interlocked.CompareExchange(ref _state, Unset, Signalled);
    }

    /// <summary>Blocks until the signal is set (true) or <paramref name="millisecondsTimeout"/> passes (false; -1 waits
    /// without limit). Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is
    /// cancelled first. One waiting thread at a time.</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(millisecondsTimeout, -1);
        if (_fallback is not null)
        {
            return _fallback.Wait(millisecondsTimeout, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (millisecondsTimeout == 0)
        {
            return Volatile.Read(ref _state) == Signalled; // a look, no system call
        }

        if (Interlocked.CompareExchange(ref _state, Parked, Unset) == Signalled)
        {
            return true;
        }

        var signalled = Park(millisecondsTimeout, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return signalled;
    }

    /// <summary>Blocks until set or cancelled; see <see cref="Wait(int, CancellationToken)"/>.</summary>
    public void Wait(CancellationToken cancellationToken) => Wait(-1, cancellationToken);

    public void Dispose()
    {
        _eventFd?.Dispose();
        _fallback?.Dispose();
    }

    private static SafeFileHandle? TryCreateEventFd()
    {
        try
        {
            var fd = EventFd(0, EfdCloexec | EfdNonBlock);
            return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Parked: polls the eventfd until a set changes the state, the time is up, or the token fires (its
    /// callback sets the signal). A readable eventfd is drained; a wake that finds the state still parked was a late
    /// write meant for an earlier wait, and the loop polls again.</summary>
    private bool Park(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static signal => ((WakeSignal)signal!).Set(), this)
            : default;
        var deadline = millisecondsTimeout < 0 ? long.MaxValue : Environment.TickCount64 + millisecondsTimeout;
        while (true)
        {
            var remaining = millisecondsTimeout < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
            if (PollReadable(remaining))
            {
                Drain();
            }

            if (Volatile.Read(ref _state) != Parked)
            {
                return true;
            }

            if (remaining == 0)
            {
                // Time is up, unless a set came in just now: then it is set (its write is drained by a later wait).
                return Interlocked.CompareExchange(ref _state, Unset, Parked) != Parked;
            }
        }
    }

    private bool PollReadable(int millisecondsTimeout)
    {
        var added = false;
        try
        {
            _eventFd!.DangerousAddRef(ref added);
            var poll = new PollFd(_eventFd.DangerousGetHandle().ToInt32(), PollIn, 0);
            var ready = Poll(ref poll, 1, millisecondsTimeout);
            if (ready < 0 && Marshal.GetLastPInvokeError() != Eintr)
            {
                throw new IOException($"poll on the wake-up eventfd failed (errno {Marshal.GetLastPInvokeError()}).");
            }

            return ready > 0;
        }
        finally
        {
            if (added)
            {
                _eventFd!.DangerousRelease();
            }
        }
    }

    private void Drain()
    {
        try
        {
            _ = Read(_eventFd!, out _, sizeof(ulong)); // non-blocking: nothing to read is fine
        }
        catch (ObjectDisposedException)
        {
            // Disposed while waiting: the state tells the rest.
        }
    }

    private void Post()
    {
        try
        {
            ulong one = 1;
            _ = Write(_eventFd!, in one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Set after disposal: nobody waits any more.
        }
    }

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(SafeFileHandle fd, out ulong value, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(SafeFileHandle fd, in ulong value, nint count);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd(int fd, short events, short returnedEvents)
    {
        public int Fd = fd;
        public short Events = events;
        public short ReturnedEvents = returnedEvents;
    }
}
