using System.Collections.Concurrent;
using Broker.Client;

namespace Broker.Cli.Perf;

/// <summary>
/// One producer instance of <c>perf produce</c>: sends its share of the records on its own thread, paced by a
/// <see cref="SendSchedule"/>, and records each record's latency from intended send to acknowledgement.
/// </summary>
internal sealed class ProducePerfWorker : IAsyncDisposable
{
    private readonly ProducerOptions _options;
    private readonly string _topic;
    private readonly long _records;
    private readonly byte[] _value;
    private readonly SendSchedule _schedule;
    private readonly ConcurrentQueue<DeliveryTimer> _idleTimers = new();
    private long _acknowledged;
    private long _failed;
    private string? _firstError;
    private Producer? _producer;

    public ProducePerfWorker(ProducerOptions options, string topic, long records, byte[] value, SendSchedule schedule)
    {
        _options = options;
        _topic = topic;
        _records = records;
        _value = value;
        _schedule = schedule;
    }

    public LatencyHistogram Latency { get; } = new();

    public long Acknowledged => Volatile.Read(ref _acknowledged);

    public long Failed => Volatile.Read(ref _failed);

    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>
    /// Opens the producer and sends one record outside the measurement: the connection, the metadata lookup and the
    /// first JIT compilations take a few hundred milliseconds, which a rate-limited run would otherwise charge to
    /// every record scheduled meanwhile (hundreds of records at 1,000/s, enough to move p99).
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        _producer = new Producer(_options);
        await _producer.ProduceAsync(_topic, new Message(null, _value), cancellationToken);
    }

    /// <summary>Produces every record, then waits for every outcome. Blocks: run it on a dedicated thread.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var producer = _producer ?? throw new InvalidOperationException("WarmUpAsync must complete before RunAsync.");
        // The producer copies key and value before Produce returns, so one message serves every record.
        var message = new Message(null, _value);
        for (long i = 0; i < _records; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var intended = _schedule.WaitForTurn(i);
            if (!_idleTimers.TryDequeue(out var timer))
            {
                timer = new DeliveryTimer(this); // grows to the records in flight, then recycles
            }

            timer.IntendedTicks = intended;
            producer.Produce(_topic, message, timer.Callback);
        }

        await producer.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_producer is not null)
        {
            await _producer.DisposeAsync();
        }
    }

    internal void Complete(DeliveryTimer timer, DeliveryReport report)
    {
        if (report.IsSuccess)
        {
            Latency.RecordSince(timer.IntendedTicks);
            Interlocked.Increment(ref _acknowledged);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstError, report.ErrorMessage ?? report.Error.ToString(), null);
        }

        _idleTimers.Enqueue(timer);
    }
}
