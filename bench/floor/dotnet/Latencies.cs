using System.Diagnostics;
using System.Globalization;

namespace Broker.E2eFloor;

/// <summary>Per-record latencies after the warm-up, from each record's due time to its arrival; printed as the
/// one JSON line perf e2e prints (microseconds).</summary>
internal sealed class Latencies(long total, long warmup)
{
    private readonly long[] _ticks = new long[Math.Max(1, total - warmup)];
    private long _kept;

    public long Total => total;

    /// <summary>Record <paramref name="index"/>, due at <paramref name="dueTicks"/>, arrived at <paramref name="nowTicks"/>.</summary>
    public void Arrived(long index, long dueTicks, long nowTicks)
    {
        if (index >= warmup && index < total)
        {
            _ticks[_kept++] = nowTicks - dueTicks;
        }
    }

    public string ToJson(string mode, double rate)
    {
        if (_kept == 0)
        {
            throw new InvalidOperationException("No record arrived after the warm-up.");
        }

        Array.Sort(_ticks, 0, (int)_kept);
        var kept = _kept;
        var sorted = _ticks;
        static long Us(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
        long At(double q) => Us(sorted[Math.Min(kept - 1, (long)(kept * q))]);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"mode\": \"{mode}\", \"rate\": {rate}, \"records\": {_kept}, \"latency_us\": {{\"p50\": {At(0.5)}, \"p95\": {At(0.95)}, \"p99\": {At(0.99)}, \"p999\": {At(0.999)}, \"max\": {Us(sorted[kept - 1])}}}}}");
    }
}
