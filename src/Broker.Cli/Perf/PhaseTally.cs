namespace Broker.Cli.Perf;

/// <summary>
/// The outcomes of one phase of a perf run, its warm-up (<c>--warmup-records</c>) or its steady state: the records
/// that made it with their latencies, and the records that failed. Kept apart per phase so the steady-state figures
/// leave out the JIT tiering of the first seconds, and merged for the whole run so nothing measured is hidden.
/// Thread-safe: delivery callbacks count while the progress display reads.
/// </summary>
internal sealed class PhaseTally
{
    private long _succeeded;
    private long _failed;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Records acknowledged (perf produce) or received (perf e2e).</summary>
    public long Succeeded => Volatile.Read(ref _succeeded);

    public long Failed => Volatile.Read(ref _failed);

    /// <summary>All outcomes, whichever way they went: how far the phase has got.</summary>
    public long Done => Succeeded + Failed;

    /// <summary>Counts a record that made it, and its latency from <paramref name="intendedTicks"/> (its intended send time) to now.</summary>
    public void Succeed(long intendedTicks)
    {
        Latency.RecordSince(intendedTicks);
        Interlocked.Increment(ref _succeeded);
    }

    public void Fail() => Interlocked.Increment(ref _failed);

    /// <summary>One tally of all of <paramref name="tallies"/>: several producers' outcomes, or both phases of a run.</summary>
    public static PhaseTally Merge(IEnumerable<PhaseTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        var merged = new PhaseTally();
        foreach (var tally in tallies)
        {
            merged.Latency.Add(tally.Latency);
            merged._succeeded += tally.Succeeded;
            merged._failed += tally.Failed;
        }

        return merged;
    }

    /// <summary>The phase as a result to print: every record carries <paramref name="recordSize"/> value bytes.</summary>
    public PerfResult ToResult(int recordSize, TimeSpan elapsed) => new(Succeeded, Succeeded * recordSize, elapsed, Failed, Latency);
}
