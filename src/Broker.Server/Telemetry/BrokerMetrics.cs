using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Broker.Server.Telemetry;

/// <summary>
/// The broker's OpenTelemetry instruments, on one <see cref="Meter"/> named <see cref="MeterName"/>. Recording is
/// allocation-free: tags go through <see cref="TagList"/> and API names are interned strings.
/// </summary>
public sealed class BrokerMetrics : IDisposable
{
    public const string MeterName = "Broker.Server";

    private static int _instances;

    private readonly Meter _meter;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _requestErrors;
    private readonly Histogram<double> _requestDuration;
    private readonly UpDownCounter<long> _connections;

    public BrokerMetrics(IMeterFactory? meterFactory = null)
    {
        // A listener subscribes to meters by name, process-wide. The first broker of a process (in production, the
        // only one) uses the plain name; further in-process brokers (tests) get their own so metrics do not mix.
        var instance = Interlocked.Increment(ref _instances);
        var name = instance == 1 ? MeterName : $"{MeterName}#{instance}";
        _meter = meterFactory?.Create(name) ?? new Meter(name);
        _bytesIn = _meter.CreateCounter<long>("broker.bytes.in", "By", "Record bytes appended by producers.");
        _bytesOut = _meter.CreateCounter<long>("broker.bytes.out", "By", "Record bytes returned to consumers.");
        _requests = _meter.CreateCounter<long>("broker.requests", "{request}", "Requests handled, by API.");
        _requestErrors = _meter.CreateCounter<long>("broker.request.errors", "{error}", "Partition- or request-level errors returned, by API and code.");
        _requestDuration = _meter.CreateHistogram<double>(
            "broker.request.duration", "s", "Time from a request's arrival to its response being queued, by API.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _connections = _meter.CreateUpDownCounter<long>("broker.connections", "{connection}", "Open client connections.");
    }

    public Meter Meter => _meter;

    public void BytesIn(string topic, long bytes) => _bytesIn.Add(bytes, new KeyValuePair<string, object?>("topic", topic));

    public void BytesOut(string topic, long bytes) => _bytesOut.Add(bytes, new KeyValuePair<string, object?>("topic", topic));

    public void Request(string api, double seconds)
    {
        var tag = new KeyValuePair<string, object?>("api", api);
        _requests.Add(1, tag);
        _requestDuration.Record(seconds, tag);
    }

    public void RequestError(string api, string error) =>
        _requestErrors.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("error", error));

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    /// <summary>Registers gauges read at scrape time (partition count, log end offsets), owned by the caller's state.</summary>
    public void ObserveGauge(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge(name, observe, unit, description);

    public void Dispose() => _meter.Dispose();
}
