using System.Diagnostics;
using Broker.Cli.Perf;
using Broker.Client;
using Broker.Core.Errors;

namespace Broker.Cli.Tests;

/// <summary>The pure parts of --warmup-records: which records are warm-up records, and how their outcomes add up.</summary>
public sealed class WarmupRecordsTests
{
    [Theory]
    [InlineData(20_000, 3, 5001)]
    [InlineData(5, 2, 3)]
    [InlineData(3, 2, 2)] // producer 1's only record is a warm-up record
    [InlineData(10, 4, 0)]
    [InlineData(7, 7, 6)]
    [InlineData(100, 8, 99)]
    public void The_producers_warmup_shares_are_the_runs_first_records_by_intended_send_time(long records, int producers, long warmupRecords)
    {
        // Every producer paces the same schedule: its record j is due at the same time as every other producer's
        // record j. Sorted by that time (then by producer), the run's first warm-up records are its warm-up.
        var firstByTime = Enumerable.Range(0, producers)
            .SelectMany(p => LongRange(EvenSplit.Share(records, producers, p)).Select(j => (Due: j, Producer: p)))
            .Order()
            .Take((int)warmupRecords)
            .ToList();
        for (var p = 0; p < producers; p++)
        {
            var warmupShare = EvenSplit.Share(warmupRecords, producers, p);
            Assert.Equal(firstByTime.Count(r => r.Producer == p), warmupShare);
            Assert.InRange(warmupShare, 0, EvenSplit.Share(records, producers, p));
        }

        Assert.Equal(records, Enumerable.Range(0, producers).Sum(p => EvenSplit.Share(records, producers, p)));
    }

    [Theory]
    [InlineData(3.0)] // a third of a second apart: not a whole number of ticks
    [InlineData(7_000.0)]
    [InlineData(1_000_000.0)]
    public void A_record_is_a_warmup_record_exactly_when_it_was_due_before_the_first_steady_state_record(double rate)
    {
        const long Records = 2_000;
        const long WarmupRecords = 750;
        var schedule = new SendSchedule(rate);
        schedule.Start();
        var probe = new EndToEndProbe("t", Records, WarmupRecords, 8, schedule);
        Assert.Equal(schedule.IntendedTime(WarmupRecords), probe.SteadyStartTicks);
        for (long i = 0; i < Records; i++)
        {
            Assert.True(probe.IsWarmup(schedule.IntendedTime(i)) == i < WarmupRecords, $"record {i} at {rate} records/s");
        }
    }

    [Fact]
    public void Without_warmup_records_no_record_is_one()
    {
        var schedule = new SendSchedule(10_000);
        schedule.Start();
        var probe = new EndToEndProbe("t", 100, 0, 8, schedule);
        Assert.False(probe.IsWarmup(schedule.IntendedTime(0)));
    }

    [Fact]
    public void Merged_tallies_add_their_counts_and_latencies()
    {
        var warmup = new PhaseTally();
        var steadyState = new PhaseTally();
        warmup.Latency.Record(90_000);
        steadyState.Latency.Record(2_000);
        warmup.Succeed(Stopwatch.GetTimestamp());
        warmup.Fail();
        steadyState.Succeed(Stopwatch.GetTimestamp());
        steadyState.Succeed(Stopwatch.GetTimestamp());

        var wholeRun = PhaseTally.Merge([warmup, steadyState]);
        Assert.Equal(3, wholeRun.Succeeded);
        Assert.Equal(1, wholeRun.Failed);
        Assert.Equal(4, wholeRun.Done);
        Assert.Equal(5, wholeRun.Latency.Count); // 2 recorded directly, 3 by Succeed
        Assert.Equal(90_000, wholeRun.Latency.Max);

        var result = steadyState.ToResult(recordSize: 100, TimeSpan.FromSeconds(2));
        Assert.Equal(2, result.Records);
        Assert.Equal(200, result.Bytes);
        Assert.Equal(0, result.Errors);
        Assert.Equal(1, result.RecordsPerSecond);
    }

    [Fact]
    public void Producers_phases_merge_into_one_run_with_the_first_error_kept()
    {
        var first = new PerfPhases(warmupRecords: 2);
        var second = new PerfPhases(warmupRecords: 1);
        Assert.Same(first.Warmup, first.For(1));
        Assert.Same(first.SteadyState, first.For(2));
        first.For(0).Succeed(Stopwatch.GetTimestamp());
        first.For(5).Succeed(Stopwatch.GetTimestamp());
        second.Fail(second.For(0), new DeliveryReport("t", 0, -1, -1, ErrorCode.MessageTooLarge, "too large"));
        second.Fail(second.For(3), new DeliveryReport("t", 0, -1, -1, ErrorCode.RequestTimedOut, "later"));

        var run = PerfPhases.Merge([first, second]);
        Assert.Equal(3, run.WarmupRecords);
        Assert.Equal((1, 1), (run.Warmup.Succeeded, run.Warmup.Failed));
        Assert.Equal((1, 1), (run.SteadyState.Succeeded, run.SteadyState.Failed));
        Assert.Equal((2, 2), (run.WholeRun().Succeeded, run.WholeRun().Failed));
        Assert.Equal("too large", run.FirstError);
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }
}
