using Broker.Cli.Perf;

namespace Broker.Cli.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Every_value_falls_in_a_bucket_whose_range_holds_it_within_one_64th()
    {
        var values = Enumerable.Range(0, 5000).Select(i => (long)i)
            .Concat(Enumerable.Range(13, 27).SelectMany(bits => new[] { (1L << bits) - 1, 1L << bits, (1L << bits) + 12345 }));
        foreach (var value in values)
        {
            var bucket = LatencyHistogram.BucketOf(value);
            var highest = LatencyHistogram.HighestValueOf(bucket);
            Assert.InRange(highest, value, value + Math.Max(0, value / 64));
            Assert.True(bucket == 0 || LatencyHistogram.HighestValueOf(bucket - 1) < value, $"value {value} belongs to an earlier bucket");
        }
    }

    [Fact]
    public void Percentiles_of_a_uniform_run_are_close_to_the_exact_ones()
    {
        var histogram = new LatencyHistogram();
        for (var value = 1; value <= 100_000; value++)
        {
            histogram.Record(value);
        }

        Assert.InRange(histogram.ValueAt(0.50), 50_000, 50_000 * 65 / 64);
        Assert.InRange(histogram.ValueAt(0.99), 99_000, 99_000 * 65 / 64);
        Assert.InRange(histogram.ValueAt(0.999), 99_900, 100_000);
        Assert.Equal(100_000, histogram.Max);
        Assert.Equal(50_000.5, histogram.Mean, 3);
    }

    [Fact]
    public void Percentiles_never_exceed_the_maximum_and_are_ordered()
    {
        var histogram = new LatencyHistogram();
        foreach (var value in new long[] { 3, 900, 901, 902, 250_000 })
        {
            histogram.Record(value);
        }

        var quantiles = new[] { 0.5, 0.95, 0.99, 0.999, 1.0 }.Select(histogram.ValueAt).ToList();
        Assert.Equal(quantiles.Order(), quantiles);
        Assert.Equal(250_000, quantiles[^1]);
        Assert.Equal(250_000, histogram.Max);
    }

    [Fact]
    public void Merging_adds_counts_and_keeps_the_larger_maximum()
    {
        var first = new LatencyHistogram();
        var second = new LatencyHistogram();
        first.Record(10);
        second.Record(20);
        second.Record(5000);
        first.Add(second);
        Assert.Equal(3, first.Count);
        Assert.Equal(5000, first.Max);
        Assert.Equal(20, first.ValueAt(0.5));
    }

    [Fact]
    public void An_empty_histogram_reports_zeros_and_extremes_are_clamped()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAt(0.99));
        histogram.Record(-5);
        histogram.Record(long.MaxValue);
        Assert.Equal(0, histogram.ValueAt(0.5));
        Assert.Equal((1L << 40) - 1, histogram.Max);
    }
}
