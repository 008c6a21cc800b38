using System.Collections.Concurrent;
using Broker.Client;

namespace Broker.Cli.Perf;

/// <summary>
/// One producer instance of <c>perf produce</c>: sends its share of the records on its own thread, paced by a
/// <see cref="SendSchedule"/>, and records each record's latency from intended send to acknowledgement: its first
/// <c>warmupRecords</c> in the warm-up, the rest in the steady state (<see cref="Phases"/>).
/// </summary>
internal sealed class ProducePerfWorker : IAsyncDisposable
{
    private readonly ProducerOptions _options;
    private readonly string _topic;
    private readonly long _records;
    private readonly byte[] _value;
    private readonly SendSchedule _schedule;
    private readonly ConcurrentQueue<DeliveryTimer> _idleTimers = new();
    private Producer? _producer;

    public ProducePerfWorker(ProducerOptions options, string topic, long records, long warmupRecords, byte[] value, SendSchedule schedule)
    {
        _options = options;
        _topic = topic;
        _records = records;
        Phases = new PerfPhases(warmupRecords);
        _value = value;
        _schedule = schedule;
    }

    public PerfPhases Phases { get; }

    /// <summary>
    /// When this producer's first steady-state record was due (throttled), or was handed to the producer
    /// (unthrottled), in Stopwatch ticks: where its steady state starts. Null until then, and when every record of
    /// this producer is a warm-up record. Read it once <see cref="RunAsync"/> has completed.
    /// </summary>
    public long? SteadyStartTicks { get; private set; }

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

            if (i == Phases.WarmupRecords)
            {
                SteadyStartTicks = intended;
            }

            timer.IntendedTicks = intended;
            timer.Tally = Phases.For(i);
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
            timer.Tally.Succeed(timer.IntendedTicks);
        }
        else
        {
            Phases.Fail(timer.Tally, report);
        }

        _idleTimers.Enqueue(timer);
    }
}
