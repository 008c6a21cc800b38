namespace Broker.Cli.Perf;

/// <summary>The outcome of one perf run: what was moved, in how long, and how long each record took.</summary>
internal sealed record PerfResult(long Records, long Bytes, TimeSpan Elapsed, long Errors, LatencyHistogram Latency)
{
    /// <summary>MB is 2^20 bytes, as Kafka's perf tools count it, so numbers compare directly.</summary>
    private const double BytesPerMegabyte = 1024 * 1024;

    public double RecordsPerSecond => Elapsed > TimeSpan.Zero ? Records / Elapsed.TotalSeconds : 0;

    public double MegabytesPerSecond => Elapsed > TimeSpan.Zero ? Bytes / BytesPerMegabyte / Elapsed.TotalSeconds : 0;
}
