using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Broker.Server.Telemetry;

/// <summary>
/// Renders OpenTelemetry metrics in the Prometheus text exposition format (version 0.0.4) when scraped. The
/// OpenTelemetry Prometheus exporter package is not available to this project, and the format is small: counters
/// as <c>_total</c>, gauges as is, histograms as cumulative <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.
/// Pull mode: <see cref="Scrape"/> calls <see cref="Collect"/>, which the reader sets up when it is given this
/// exporter (a pull-only reader refuses a plain Collect), and which calls <see cref="Export"/> on the same thread.
/// </summary>
[ExportModes(ExportModes.Pull)]
public sealed class PrometheusTextExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private readonly Lock _scrapeLock = new();
    private readonly StringBuilder _text = new();

    /// <summary>Set after construction: the reader that owns this exporter (they reference each other).</summary>
    public BaseExportingMetricReader? Reader { get; set; }

    /// <summary>Set by the reader: collects every instrument and calls <see cref="Export"/>.</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <summary>Collects every instrument now and returns the text. Scrapes are serialised.</summary>
    public string Scrape()
    {
        var collect = Collect ?? throw new InvalidOperationException("The exporter has no reader.");
        lock (_scrapeLock)
        {
            _text.Clear();
            collect(Timeout.Infinite);
            return _text.ToString();
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            Write(metric);
        }

        return ExportResult.Success;
    }

    private void Write(Metric metric)
    {
        var name = Sanitize(metric.Name);
        var (type, suffix) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", "_total"),
            MetricType.Histogram => ("histogram", ""),
            _ => ("gauge", ""),
        };
        if (!string.IsNullOrEmpty(metric.Description))
        {
            _text.Append("# HELP ").Append(name).Append(suffix).Append(' ').Append(metric.Description.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
        }

        _text.Append("# TYPE ").Append(name).Append(suffix).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            switch (metric.MetricType)
            {
                case MetricType.LongSum:
                case MetricType.LongSumNonMonotonic:
                    Sample(name + suffix, point, null, point.GetSumLong());
                    break;
                case MetricType.DoubleSum:
                case MetricType.DoubleSumNonMonotonic:
                    Sample(name + suffix, point, null, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    Sample(name, point, null, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    Sample(name, point, null, point.GetGaugeLastValueDouble());
                    break;
                case MetricType.Histogram:
                    WriteHistogram(name, point);
                    break;
                default:
                    break; // exponential histograms are not configured on this provider
            }
        }
    }

    private void WriteHistogram(string name, in MetricPoint point)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var bound = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : bucket.ExplicitBound.ToString(CultureInfo.InvariantCulture);
            Sample(name + "_bucket", point, bound, cumulative);
        }

        Sample(name + "_sum", point, null, point.GetHistogramSum());
        Sample(name + "_count", point, null, point.GetHistogramCount());
    }

    private void Sample(string name, in MetricPoint point, string? le, double value)
    {
        _text.Append(name);
        var first = true;
        foreach (var tag in point.Tags)
        {
            _text.Append(first ? '{' : ',').Append(Sanitize(tag.Key)).Append("=\"").Append(Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture))).Append('"');
            first = false;
        }

        if (le is not null)
        {
            _text.Append(first ? '{' : ',').Append("le=\"").Append(le).Append('"');
            first = false;
        }

        if (!first)
        {
            _text.Append('}');
        }

        _text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Prometheus names are [a-zA-Z_:][a-zA-Z0-9_:]*; OpenTelemetry's dots become underscores.</summary>
    internal static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            chars[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_';
        }

        var sanitized = new string(chars);
        return sanitized.Length > 0 && char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }

    private static string Escape(string? value) =>
        (value ?? string.Empty).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
