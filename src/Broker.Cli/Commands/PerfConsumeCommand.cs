using System.CommandLine;
using System.Diagnostics;
using Broker.Cli.Perf;
using Broker.Client;
using Broker.Core;
using Broker.Core.Records;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl perf consume --topic T --messages N</c>: Kafka's kafka-consumer-perf-test. Reads N records from the
/// beginning of every partition through the consumer's zero-copy path, as fast as the broker serves them.
/// </summary>
internal static class PerfConsumeCommand
{
    public static Command Create(CommandHost host)
    {
        var topic = new Option<string>("--topic") { Description = "The topic to read (from the beginning of every partition).", Required = true };
        var messages = CliOptions.AtLeast<long>("--messages", 1, "Records to read.", required: true);
        var fetchSize = CliOptions.AtLeast<int>("--fetch-size", 1024, "Bytes fetched per partition per request.", PerfDefaults.FetchSizeBytes);
        var timeoutMs = CliOptions.AtLeast<int>("--timeout-ms", 1, "Fails if no record arrives for this long before --messages are read.", 10_000);
        var command = new Command("consume", "Reads --messages records from the beginning as fast as possible and reports records/s, MB/s and per-poll wait percentiles.")
        {
            topic, messages, fetchSize, timeoutMs,
        };
        host.Bind(command, (context, parse) => RunAsync(
            context,
            parse.GetRequiredValue(topic),
            parse.GetValue(messages),
            TimeSpan.FromMilliseconds(parse.GetValue(timeoutMs)),
            context.Configure(new ConsumerOptions
            {
                AutoOffsetReset = AutoOffsetReset.Earliest,
                MaxPartitionFetchBytes = parse.GetValue(fetchSize),
            })));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string topic, long messages, TimeSpan idleTimeout, ConsumerOptions options)
    {
        IReadOnlyList<TopicPartition> partitions;
        await using (var admin = context.CreateAdmin())
        {
            partitions = TopicLookup.Partitions(await TopicLookup.DescribeAsync(admin, topic, context.Cancellation), null);
        }

        var counter = new ConsumeCounter(messages);
        var latency = new LatencyHistogram();
        var started = Stopwatch.GetTimestamp();
        await using (var consumer = new Consumer(options))
        {
            consumer.Assign(partitions);
            var work = ConsumeAsync(consumer, counter, latency, idleTimeout, context.Cancellation);
            await PerfProgress.TrackAsync(context, "perf consume", messages, () => counter.Records, work);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        PerfReport.Print(context, $"perf consume: {counter.Records} records from {topic}", new PerfResult(counter.Records, counter.Bytes, elapsed, 0, latency));
        return counter.Records >= messages
            ? ExitCodes.Success
            : throw new CliException($"only {counter.Records} of {messages} records arrived before {idleTimeout.TotalMilliseconds} ms without a record");
    }

    /// <summary>Polls until the count is reached or the topic goes quiet; each poll's wait is one latency sample.</summary>
    private static async Task ConsumeAsync(Consumer consumer, ConsumeCounter counter, LatencyHistogram latency, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        RecordVisitor visitor = counter.Visit;
        while (!counter.IsDone)
        {
            var polled = Stopwatch.GetTimestamp();
            if (await consumer.ConsumeBatchAsync(visitor, idleTimeout, cancellationToken) == 0)
            {
                return;
            }

            latency.RecordSince(polled);
        }
    }

    /// <summary>Counts records and their key and value bytes (Kafka's consumer perf test counts the same), up to the target.</summary>
    private sealed class ConsumeCounter(long target)
    {
        private long _records;
        private long _bytes;

        public long Records => Volatile.Read(ref _records);

        public long Bytes => Volatile.Read(ref _bytes);

        public bool IsDone => Records >= target;

        public void Visit(TopicPartition partition, Record record)
        {
            if (_records >= target)
            {
                return; // the rest of the fetched chunk is past the target: not part of the measurement
            }

            Volatile.Write(ref _bytes, _bytes + record.Key.Length + record.Value.Length);
            Volatile.Write(ref _records, _records + 1);
        }
    }
}
