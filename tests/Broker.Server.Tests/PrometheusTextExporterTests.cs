using System.Diagnostics.Metrics;
using Broker.Server.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Broker.Server.Tests;

public class PrometheusTextExporterTests
{
    [Fact]
    public void Counters_gauges_and_histograms_render_in_the_text_format()
    {
        using var meter = new Meter("Test.Exporter." + Guid.NewGuid().ToString("N"));
        var exporter = new PrometheusTextExporter();
        exporter.Reader = new BaseExportingMetricReader(exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddReader(exporter.Reader).Build();

        var counter = meter.CreateCounter<long>("broker.bytes.in", "By", "Record bytes in.");
        counter.Add(5, new KeyValuePair<string, object?>("topic", "orders"));
        counter.Add(7, new KeyValuePair<string, object?>("topic", "orders"));
        meter.CreateObservableGauge("broker.partitions", () => 3L);
        var histogram = meter.CreateHistogram<double>("broker.request.duration", "s", "Latency.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.01] });
        histogram.Record(0.0005, new KeyValuePair<string, object?>("api", "Produce"));
        histogram.Record(0.005, new KeyValuePair<string, object?>("api", "Produce"));

        var text = exporter.Scrape();

        Assert.Contains("# TYPE broker_bytes_in_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("broker_bytes_in_total{topic=\"orders\"} 12\n", text, StringComparison.Ordinal);
        Assert.Contains("broker_partitions 3\n", text, StringComparison.Ordinal);
        Assert.Contains("broker_request_duration_bucket{api=\"Produce\",le=\"0.001\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("broker_request_duration_bucket{api=\"Produce\",le=\"0.01\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("broker_request_duration_bucket{api=\"Produce\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("broker_request_duration_count{api=\"Produce\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_label_values_are_sanitised_and_escaped()
    {
        Assert.Equal("a_b_c_1", PrometheusTextExporter.Sanitize("a.b-c/1"));
        Assert.Equal("_1a", PrometheusTextExporter.Sanitize("1a"));
    }
}
