using System.Diagnostics;
using Broker.Cli.Perf;

namespace Broker.Cli.Tests;

public sealed class SendScheduleTests
{
    [Fact]
    public void Each_record_is_released_no_earlier_than_its_intended_time_which_is_what_it_reports()
    {
        var schedule = new SendSchedule(recordsPerSecond: 20_000); // one record every 50 µs: the precise-sleep range
        var start = schedule.Start();
        var ticksPerRecord = Stopwatch.Frequency / 20_000.0;
        for (var i = 0; i < 200; i++)
        {
            var intended = schedule.WaitForTurn(i);
            var released = Stopwatch.GetTimestamp();
            Assert.Equal(start + (long)(i * ticksPerRecord), intended);
            Assert.True(released >= intended, $"record {i} was released before its turn");
        }
    }

    [Fact]
    public void An_unthrottled_schedule_never_waits_and_reports_the_send_time()
    {
        var schedule = new SendSchedule(recordsPerSecond: 0);
        schedule.Start();
        var before = Stopwatch.GetTimestamp();
        var reported = schedule.WaitForTurn(1_000_000);
        Assert.False(schedule.IsThrottled);
        Assert.InRange(reported, before, Stopwatch.GetTimestamp());
    }

    [Fact]
    public void Intended_times_are_known_ahead_and_later_for_every_later_record()
    {
        var schedule = new SendSchedule(recordsPerSecond: 3); // a third of a second: not a whole number of ticks
        var start = schedule.Start();
        Assert.Equal(start, schedule.IntendedTime(0));
        for (var i = 1; i < 1000; i++)
        {
            Assert.True(schedule.IntendedTime(i) > schedule.IntendedTime(i - 1), $"record {i} is not due after record {i - 1}");
        }

        Assert.Throws<InvalidOperationException>(() => new SendSchedule(recordsPerSecond: -1).IntendedTime(0));
    }

    [Fact]
    public void A_precise_sleep_lasts_at_least_what_was_asked()
    {
        var started = Stopwatch.GetTimestamp();
        if (!PreciseSleep.Sleep(300))
        {
            Assert.False(OperatingSystem.IsLinux(), "clock_nanosleep must be available on Linux");
            return;
        }

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMicroseconds(300));
    }
}
