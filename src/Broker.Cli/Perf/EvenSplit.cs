namespace Broker.Cli.Perf;

/// <summary>
/// How perf produce divides a count among its producers: evenly, the first producers taking one more each for the
/// remainder. It divides the records and the warm-up records alike, and every producer paces the same schedule
/// (its record j is due at start + j × producers / rate), so the producers' warm-up shares together are exactly the
/// run's first warm-up records by intended send time (ties broken by producer number), and no producer is given
/// more warm-up records than records.
/// </summary>
internal static class EvenSplit
{
    /// <summary>Producer <paramref name="index"/>'s share of <paramref name="total"/> among <paramref name="parts"/> producers.</summary>
    public static long Share(long total, int parts, int index) => (total / parts) + (index < total % parts ? 1 : 0);
}
