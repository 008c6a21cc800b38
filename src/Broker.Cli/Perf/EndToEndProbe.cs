using System.Buffers.Binary;
using System.Diagnostics;
using Broker.Client;
using Broker.Core;
using Broker.Core.Records;

namespace Broker.Cli.Perf;

/// <summary>
/// The two halves of <c>perf e2e</c> in one process, sharing one clock: a paced producer that writes each record's
/// intended send time (Stopwatch ticks, little-endian) into the first 8 bytes of its value, and a consumer that
/// subtracts it from the time it sees the record. Same process, same clock: no clock skew in the latency. The first
/// <c>warmupRecords</c> count in the warm-up, the rest in the steady state (<see cref="Phases"/>); the consumer tells them
/// apart by the send time they carry, so a warm-up record is no different on the wire.
/// </summary>
internal sealed class EndToEndProbe(string topic, long records, long warmupRecords, int recordSize, SendSchedule schedule) : IAsyncDisposable
{
    public const int TimestampBytes = sizeof(long);

    /// <summary>The send time the warm-up record carries: no Stopwatch timestamp is ever 0, so it cannot be a run's.</summary>
    private const long WarmUpTicks = 0;

    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(10);

    private Producer? _producer;
    private bool _warmUpReceived;

    /// <summary>Per phase: the records received with their latency, and those that failed to send.</summary>
    public PerfPhases Phases { get; } = new(warmupRecords);

    public long Received => Phases.Succeeded;

    /// <summary>
    /// The intended send time of the first steady-state record (record <c>warmupRecords</c>): where the steady state
    /// starts, and the line between warm-up records (due before it) and the rest. Valid once the schedule started.
    /// </summary>
    public long SteadyStartTicks => schedule.IntendedTime(warmupRecords);

    /// <summary>
    /// Sends one record through the whole path and waits until the consumer sees it, outside the measurement: the
    /// connections, metadata lookups and first JIT compilations take a few hundred milliseconds, which would
    /// otherwise be charged to every record scheduled meanwhile.
    /// </summary>
    public async Task WarmUpAsync(ProducerOptions options, Consumer consumer, CancellationToken cancellationToken)
    {
        _producer = new Producer(options);
        await _producer.ProduceAsync(topic, new Message(null, new byte[Math.Max(recordSize, TimestampBytes)]), cancellationToken);
        RecordVisitor visitor = OnWarmUpRecord;
        var started = Stopwatch.GetTimestamp();
        while (!_warmUpReceived)
        {
            var remaining = WarmUpTimeout - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new CliException($"the warm-up record was not consumed within {WarmUpTimeout.TotalSeconds} s");
            }

            await consumer.ConsumeBatchAsync(visitor, remaining, cancellationToken);
        }
    }

    /// <summary>Sends every record on the calling thread (it blocks while pacing), then flushes.</summary>
    public async Task ProduceAsync(CancellationToken cancellationToken)
    {
        var producer = _producer ?? throw new InvalidOperationException("WarmUpAsync must complete before ProduceAsync.");
        var value = Payload.RandomLetters(recordSize);
        var message = new Message(null, value);
        Action<DeliveryReport> onWarmupDelivery = report => OnDelivery(Phases.Warmup, report);
        Action<DeliveryReport> onSteadyDelivery = report => OnDelivery(Phases.SteadyState, report);
        for (long i = 0; i < records; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // The producer copies the value before Produce returns, so the buffer is rewritten for each record.
            BinaryPrimitives.WriteInt64LittleEndian(value, schedule.WaitForTurn(i));
            producer.Produce(topic, message, i < warmupRecords ? onWarmupDelivery : onSteadyDelivery);
        }

        await producer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Consumes until every record arrived, or until nothing arrives for <paramref name="idleTimeout"/> once
    /// <paramref name="produced"/> has finished (records lost or failed). Blocks the calling thread (the consumer's
    /// blocking form: a thread of its own, woken by the fetcher directly).
    /// </summary>
    public void Consume(Consumer consumer, Task produced, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        RecordVisitor visitor = OnRecord;
        var lastArrival = Stopwatch.GetTimestamp();
        while (Received < records)
        {
            if (consumer.ConsumeBatch(visitor, TimeSpan.FromMilliseconds(100), cancellationToken) > 0)
            {
                lastArrival = Stopwatch.GetTimestamp();
            }
            else if (produced.IsCompleted && Stopwatch.GetElapsedTime(lastArrival) > idleTimeout)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_producer is not null)
        {
            await _producer.DisposeAsync();
        }
    }

    private void OnWarmUpRecord(TopicPartition partition, Record record) =>
        _warmUpReceived |= record.Value.Length >= TimestampBytes && BinaryPrimitives.ReadInt64LittleEndian(record.Value) == WarmUpTicks;

    private void OnRecord(TopicPartition partition, Record record)
    {
        // Records from anyone else producing to the topic carry no send time of ours: they are skipped.
        if (record.Value.Length < TimestampBytes || Received >= records)
        {
            return;
        }

        var intended = BinaryPrimitives.ReadInt64LittleEndian(record.Value);
        if (intended == WarmUpTicks)
        {
            return;
        }

        (IsWarmup(intended) ? Phases.Warmup : Phases.SteadyState).Succeed(intended);
    }

    /// <summary>
    /// Whether a record that carries <paramref name="intendedTicks"/> is a warm-up record: due before the first
    /// steady-state record. Intended times grow with the record number (<see cref="SendSchedule.IntendedTime"/>).
    /// </summary>
    internal bool IsWarmup(long intendedTicks) => intendedTicks < SteadyStartTicks;

    private void OnDelivery(PhaseTally tally, DeliveryReport report)
    {
        if (!report.IsSuccess)
        {
            Phases.Fail(tally, report);
        }
    }
}
