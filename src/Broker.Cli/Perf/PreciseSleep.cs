using System.Runtime.InteropServices;

namespace Broker.Cli.Perf;

/// <summary>
/// Sleeps of tens of microseconds for the pacer. Thread.Sleep rounds to whole milliseconds (about 1.1 ms on Linux),
/// and spinning through the gaps instead takes a whole core from the producer, the consumer and, on a small
/// machine, the broker they measure. On Linux <c>clock_nanosleep</c> sleeps for the time asked plus the timer
/// slack (about 50 µs). Elsewhere it falls back to yielding.
/// </summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;

    private static readonly bool Available = OperatingSystem.IsLinux();

    /// <summary>Sleeps about <paramref name="microseconds"/> (at least 1); false if precise sleeps are not available here.</summary>
    public static bool Sleep(long microseconds)
    {
        if (!Available)
        {
            return false;
        }

        var nanoseconds = Math.Max(1, microseconds) * 1000;
        var request = new TimeSpec(nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000);
        return ClockNanosleep(ClockMonotonic, 0, request, IntPtr.Zero) is 0 or 4; // 4: EINTR, woken early (fine)
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in TimeSpec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);
}
