using System.Diagnostics;
using System.Numerics;

namespace Broker.Cli.Perf;

/// <summary>
/// Latencies in microseconds, counted in fixed log-linear buckets (HdrHistogram's layout, small): exact below
/// 128 µs, then 64 buckets per power of two, so a reported percentile is at most 1/64 (1.6%) above the true value.
/// Recording is a few instructions and allocates nothing; it is thread-safe (Interlocked), so a producer's I/O
/// threads may record while the reporter reads.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Values below 2^7 = 128 µs each have their own bucket.</summary>
    private const int LinearBits = 7;

    private const int LinearCount = 1 << LinearBits;

    /// <summary>Buckets per power of two above the linear range: 2^6, hence the 1/64 relative precision.</summary>
    private const int SubBucketCount = LinearCount / 2;

    /// <summary>Largest value kept exactly is 2^40 µs (12.7 days); longer latencies are clamped to it.</summary>
    private const int MagnitudeBits = 40;

    private const long ValueMax = (1L << MagnitudeBits) - 1;

    private const int BucketCount = LinearCount + ((MagnitudeBits - LinearBits) * SubBucketCount);

    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _max;

    public long Count => Volatile.Read(ref _count);

    public long Max => Volatile.Read(ref _max);

    public double Mean => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    /// <summary>Records the time from <paramref name="startTicks"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public void RecordSince(long startTicks) => Record(TicksToMicroseconds(Stopwatch.GetTimestamp() - startTicks));

    public void Record(long microseconds)
    {
        var value = Math.Clamp(microseconds, 0, ValueMax);
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var max = Volatile.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one (for several producers' histograms).</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < BucketCount; i++)
        {
            Interlocked.Add(ref _counts[i], Volatile.Read(ref other._counts[i]));
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Volatile.Read(ref other._sum));
        var otherMax = other.Max;
        if (otherMax > Max)
        {
            Volatile.Write(ref _max, otherMax);
        }
    }

    /// <summary>
    /// The value at <paramref name="quantile"/> (0.99 for p99): the highest value of the bucket holding that rank,
    /// capped at the recorded maximum, so p50 &lt;= p95 &lt;= p99 &lt;= p99.9 &lt;= max always holds. 0 when empty.
    /// </summary>
    public long ValueAt(double quantile)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(quantile, 0, 1) * count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(HighestValueOf(i), Max);
            }
        }

        return Max;
    }

    public static long TicksToMicroseconds(long ticks) => (long)(ticks * MicrosecondsPerTick);

    internal static int BucketOf(long value)
    {
        if (value < LinearCount)
        {
            return (int)value;
        }

        // Shift so the value's top 7 bits remain: [64, 128). Each shift step is one power of two.
        var shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - (LinearBits - 1);
        return LinearCount + ((shift - 1) * SubBucketCount) + (int)((value >> shift) - SubBucketCount);
    }

    internal static long HighestValueOf(int bucket)
    {
        if (bucket < LinearCount)
        {
            return bucket;
        }

        var shift = ((bucket - LinearCount) / SubBucketCount) + 1;
        var lowest = (long)((bucket - LinearCount) % SubBucketCount + SubBucketCount) << shift;
        return lowest + (1L << shift) - 1;
    }
}
