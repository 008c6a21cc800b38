using System.CommandLine;
using System.Diagnostics;
using Broker.Cli.Perf;
using Broker.Client;
using Broker.Client.Admin;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl perf e2e</c>: end-to-end latency (produce to consume) at a fixed rate, producer and consumer in this
/// process. Latency runs from each record's intended send time, so a stalled sender cannot hide its backlog. With
/// <c>--warmup-records</c>, reported for the whole run and for its steady state.
/// </summary>
internal static class PerfE2eCommand
{
    /// <summary>How long the consumer waits for stragglers after the producer finished before reporting a loss.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static Command Create(CommandHost host)
    {
        var topic = new Option<string>("--topic") { Description = "The topic to use (must exist; nothing else should write to it during the run).", Required = true };
        var records = CliOptions.AtLeast<long>("--num-records", 1, "Records to send and receive.", required: true);
        var warmupRecords = CliOptions.WarmupRecords(records);
        var recordSize = CliOptions.AtLeast<int>("--record-size", EndToEndProbe.TimestampBytes, "Value size in bytes (at least 8: the send time travels in the value).", required: true);
        var acks = CliOptions.Acks("--producer-acks", "1");
        var rate = CliOptions.AtLeast<double>("--rate", 1, "Records per second the producer sends.", PerfDefaults.EndToEndRate);
        var command = new Command("e2e", "Measures produce-to-consume latency at a fixed --rate: p50 to max, in microseconds.")
        {
            topic, records, warmupRecords, recordSize, acks, rate,
        };
        host.Bind(command, (context, parse) => RunAsync(
            context,
            parse.GetRequiredValue(topic),
            parse.GetValue(records),
            parse.GetValue(warmupRecords),
            parse.GetValue(recordSize),
            parse.GetValue(rate),
            context.Configure(new ProducerOptions
            {
                Acks = CliOptions.ParseAcks(parse.GetValue(acks)),
                Linger = TimeSpan.Zero, // latency, not batching: a record goes out as soon as its partition's request slot is free
            })));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string topic, long records, long warmupRecords, int recordSize, double rate, ProducerOptions producerOptions)
    {
        await using var consumer = new Consumer(context.Configure(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Latest }));
        await using (var admin = context.CreateAdmin())
        {
            // Start exactly at the current end of each partition, looked up before the first send: no record of
            // this run can be skipped, and none from before it is counted.
            var partitions = TopicLookup.Partitions(await TopicLookup.DescribeAsync(admin, topic, context.Cancellation), null);
            var ends = await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.Latest), context.Cancellation);
            consumer.Assign(partitions);
            foreach (var (partition, end) in ends)
            {
                consumer.Seek(partition, end.Offset);
            }
        }

        var schedule = new SendSchedule(rate);
        await using var probe = new EndToEndProbe(topic, records, warmupRecords, recordSize, schedule);
        await probe.WarmUpAsync(producerOptions, consumer, context.Cancellation);
        var started = schedule.Start();
        var produced = Task.Factory.StartNew(() => probe.ProduceAsync(context.Cancellation),
            context.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        var consumed = Task.Factory.StartNew(() => probe.Consume(consumer, produced, DrainTimeout, context.Cancellation),
            context.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await PerfProgress.TrackAsync(context, "perf e2e", records, () => probe.Received, Task.WhenAll(produced, consumed));
        var ended = Stopwatch.GetTimestamp();

        PerfReport.Print(context, $"perf e2e: {records} records of {recordSize} bytes at {rate} records/s through {topic}",
            probe.Phases, recordSize, Stopwatch.GetElapsedTime(started, ended), Stopwatch.GetElapsedTime(probe.SteadyStartTicks, ended));
        if (probe.Phases.Failed > 0)
        {
            throw new CliException($"{probe.Phases.Failed} of {records} records failed to send: {probe.Phases.FirstError}");
        }

        return probe.Received >= records
            ? ExitCodes.Success
            : throw new CliException($"only {probe.Received} of {records} records arrived within {DrainTimeout.TotalSeconds} s of the last send");
    }
}
