using System.CommandLine;
using System.Diagnostics;
using Broker.Cli.Perf;
using Broker.Client;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl perf produce</c>: Kafka's kafka-producer-perf-test with its option names. Throughput and the
/// latency from each record's intended send time to its acknowledgement; with <c>--warmup-records</c>, for the whole
/// run and for its steady state.
/// </summary>
internal static class PerfProduceCommand
{
    public static Command Create(CommandHost host)
    {
        var topic = new Option<string>("--topic") { Description = "The topic to write to (must exist).", Required = true };
        var records = CliOptions.AtLeast<long>("--num-records", 1, "Records to send in all.", required: true);
        var warmupRecords = CliOptions.WarmupRecords(records);
        var recordSize = CliOptions.AtLeast<int>("--record-size", 0, "Value size of each record, in bytes (random letters; no key).", required: true);
        var throughput = new Option<double>("--throughput")
        {
            Description = "Target records/s over all producers; -1 (default) sends as fast as possible.",
            DefaultValueFactory = _ => -1,
        };
        var acks = CliOptions.Acks("--acks", "1");
        var batchSize = CliOptions.AtLeast<int>("--batch-size", 1, "Producer batch size in bytes.", PerfDefaults.BatchSizeBytes);
        var lingerMs = CliOptions.AtLeast<int>("--linger-ms", 0, "How long a batch that is not full waits for more records.", PerfDefaults.LingerMs);
        var compression = CliOptions.Compression();
        var producers = CliOptions.AtLeast<int>("--producers", 1, "Producer instances running in parallel, each sending its share of the records.", 1);
        var command = new Command("produce", "Sends records as fast as possible (or at --throughput) and reports records/s, MB/s and latency percentiles.")
        {
            topic, records, warmupRecords, recordSize, throughput, acks, batchSize, lingerMs, compression, producers,
        };
        host.Bind(command, (context, parse) => RunAsync(context, new Settings(
            parse.GetRequiredValue(topic),
            parse.GetValue(records),
            parse.GetValue(warmupRecords),
            parse.GetValue(recordSize),
            parse.GetValue(throughput),
            parse.GetValue(producers),
            () => context.Configure(new ProducerOptions
            {
                Acks = CliOptions.ParseAcks(parse.GetValue(acks)),
                BatchSize = parse.GetValue(batchSize),
                Linger = TimeSpan.FromMilliseconds(parse.GetValue(lingerMs)),
                Compression = CliOptions.ParseCompression(parse.GetValue(compression)),
                MaxRequestBytes = Math.Max(PerfDefaults.MaxRequestBytes, parse.GetValue(batchSize)),
                BufferMemory = PerfDefaults.BufferMemoryBytes,
            }))));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, Settings settings)
    {
        await using (var admin = context.CreateAdmin())
        {
            await TopicLookup.DescribeAsync(admin, settings.Topic, context.Cancellation);
        }

        var value = Payload.RandomLetters(settings.RecordSize);
        var schedule = new SendSchedule(settings.Throughput > 0 ? settings.Throughput / settings.Producers : -1);
        var workers = Enumerable.Range(0, settings.Producers).Select(i =>
        {
            // Records, warm-up records and rate split evenly; the first producers take the remainder records.
            return new ProducePerfWorker(settings.CreateOptions(), settings.Topic,
                EvenSplit.Share(settings.Records, settings.Producers, i), EvenSplit.Share(settings.WarmupRecords, settings.Producers, i), value, schedule);
        }).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.WarmUpAsync(context.Cancellation)));
            var started = schedule.Start();

            // Produce blocks while the buffer is full: each producer gets its own thread, off the thread pool.
            var work = Task.WhenAll(workers.Select(w =>
                Task.Factory.StartNew(() => w.RunAsync(context.Cancellation), context.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));
            await PerfProgress.TrackAsync(context, "perf produce", settings.Records, () => workers.Sum(w => w.Phases.Done), work);
            return Report(context, settings, workers, started, Stopwatch.GetTimestamp());
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static int Report(CommandContext context, Settings settings, List<ProducePerfWorker> workers, long startedTicks, long endedTicks)
    {
        var phases = PerfPhases.Merge([.. workers.Select(w => w.Phases)]);

        // The run's first steady-state record is the earliest of the producers' first ones.
        var steadyStartTicks = workers.Min(w => w.SteadyStartTicks) ?? endedTicks;
        PerfReport.Print(context, $"perf produce: {settings.Records} records of {settings.RecordSize} bytes to {settings.Topic}",
            phases, settings.RecordSize, Stopwatch.GetElapsedTime(startedTicks, endedTicks), Stopwatch.GetElapsedTime(steadyStartTicks, endedTicks));

        // Warm-up records are left out of the steady-state figures, not out of the verdict: any failure fails the run.
        return phases.Failed == 0
            ? ExitCodes.Success
            : throw new CliException($"{phases.Failed} of {settings.Records} records failed: {phases.FirstError}");
    }

    private sealed record Settings(string Topic, long Records, long WarmupRecords, int RecordSize, double Throughput, int Producers, Func<ProducerOptions> CreateOptions);
}
