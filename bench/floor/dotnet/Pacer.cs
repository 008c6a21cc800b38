using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.E2eFloor;

/// <summary>
/// brokerctl's pacing, reduced to its core: record i is due at start + i / rate; the pacer sleeps until the next one
/// is due, at least <see cref="MinSleepMicroseconds"/> (as brokerctl's pacer), then hands every record due by now to
/// the sender at once. Latency is taken from the due time, so a late pacer counts against the records it delayed.
/// </summary>
internal static partial class Pacer
{
    public const int MinSleepMicroseconds = 100;
    public const int BurstMax = 256;

    /// <summary>Paces <c>due.Length</c> records, writing each one's due time (Stopwatch ticks) into
    /// <paramref name="due"/> before <paramref name="send"/> gets the size of the burst it belongs to.</summary>
    public static void Run(double rate, long[] due, Action<int> send)
    {
        var period = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1000);
        for (long next = 0; next < due.Length;)
        {
            var now = Stopwatch.GetTimestamp();
            var nextDue = start + (long)(next * period);
            if (nextDue > now)
            {
                var waitNs = Math.Max((nextDue - now) * 1_000_000_000 / Stopwatch.Frequency, MinSleepMicroseconds * 1000L);
                var request = new TimeSpec(waitNs / 1_000_000_000, waitNs % 1_000_000_000);
                _ = ClockNanosleep(ClockMonotonic, 0, request, IntPtr.Zero);
                now = Stopwatch.GetTimestamp();
            }

            var first = next;
            for (; next < due.Length && next - first < BurstMax && (nextDue = start + (long)(next * period)) <= now; next++)
            {
                due[next] = nextDue;
            }

            if (next > first)
            {
                send((int)(next - first));
            }
        }
    }

    private const int ClockMonotonic = 1;

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in TimeSpec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);
}
