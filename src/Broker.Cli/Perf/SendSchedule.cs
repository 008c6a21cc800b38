using System.Diagnostics;

namespace Broker.Cli.Perf;

/// <summary>
/// When each record of a rate-limited run is meant to be sent: record i at start + i / rate. Latency is measured
/// from that intended time, not from the actual send, so a stall (GC, a full buffer) counts against every record
/// it delayed instead of silently pausing the clock: no coordinated omission.
/// </summary>
internal sealed class SendSchedule
{
    /// <summary>Below this wait the pacer yields instead of sleeping: Thread.Sleep(1) lasts about 1.1 ms on Linux,
    /// so sleeping through short gaps would add a millisecond to the records it delays.</summary>
    private static readonly long SleepThresholdTicks = Stopwatch.Frequency * 2 / 1000;

    /// <summary>
    /// The shortest precise sleep (<see cref="PreciseSleep"/>) the pacer takes when a record is not yet due. At high
    /// rates records are microseconds apart: sleeping until each one (or spinning) would keep a core busy that the
    /// producer, the consumer and the broker under test need. Sleeping at least this long lets the records that fall
    /// due meanwhile go out together on waking, each still timed from its own intended send time, so the cost of
    /// pacing shows in the measured latency (at most this plus the timer's lateness) instead of hiding in CPU load.
    /// </summary>
    private static readonly long PreciseSleepQuantumTicks = Stopwatch.Frequency * 100 / 1_000_000;

    private readonly double _ticksPerRecord;
    private long _startTicks;

    /// <param name="recordsPerSecond">Target rate; zero or less means unthrottled (send as fast as possible).</param>
    public SendSchedule(double recordsPerSecond)
    {
        _ticksPerRecord = recordsPerSecond > 0 ? Stopwatch.Frequency / recordsPerSecond : 0;
    }

    public bool IsThrottled => _ticksPerRecord > 0;

    /// <summary>Sets record 0's intended time to now (after warm-up) and returns it. Call before any sender starts.</summary>
    public long Start() => _startTicks = Stopwatch.GetTimestamp();

    /// <summary>
    /// Record <paramref name="index"/>'s intended send time (ticks), what <see cref="WaitForTurn"/> returns for it,
    /// known before it is sent: perf e2e's consumer tells warm-up records from the rest by it. Later records have
    /// later times, as long as a record is at least one tick apart (any rate below Stopwatch.Frequency). Throttled
    /// schedules only: unthrottled, a record's time is only known when it is sent.
    /// </summary>
    public long IntendedTime(long index) => IsThrottled
        ? _startTicks + (long)(index * _ticksPerRecord)
        : throw new InvalidOperationException("An unthrottled schedule has no intended send times.");

    /// <summary>Waits until record <paramref name="index"/> is due and returns its intended send time (ticks).</summary>
    public long WaitForTurn(long index)
    {
        if (!IsThrottled)
        {
            return Stopwatch.GetTimestamp();
        }

        var intended = IntendedTime(index);
        while (true)
        {
            var ahead = intended - Stopwatch.GetTimestamp();
            if (ahead <= 0)
            {
                return intended;
            }

            if (ahead > SleepThresholdTicks)
            {
                Thread.Sleep(TimeSpan.FromTicks((ahead - (SleepThresholdTicks / 2)) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }
            else if (!PreciseSleep.Sleep(Math.Max(ahead, PreciseSleepQuantumTicks) * 1_000_000 / Stopwatch.Frequency))
            {
                Thread.Yield(); // no precise sleep on this platform: give the core to whoever has work
            }
        }
    }
}
