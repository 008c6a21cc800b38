using System.CommandLine;
using Broker.Cli.Records;
using Broker.Client;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl consume TOPIC [--partition N] [--from-beginning] [--max-messages N] [--timeout-ms N] [--print-...]</c>:
/// reads the topic's partitions (assigned directly, no group) and prints each record's value on its own line.
/// </summary>
internal static class ConsumeCommand
{
    public static Command Create(CommandHost host)
    {
        var topic = new Argument<string>("topic") { Description = "The topic to read." };
        var group = new Option<string?>("--group")
        {
            Description = "Consumer group: not supported by this broker yet (groups arrive in a later release), so giving it fails the command.",
        };
        var partition = CliOptions.AtLeast<int>("--partition", 0, "Reads only this partition (default: every partition of the topic).");
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Starts at the oldest record still in the log; without it, only records produced from now on are read." };
        var maxMessages = CliOptions.AtLeast<long>("--max-messages", 1, "Exits after this many records.");
        var timeoutMs = CliOptions.AtLeast<int>("--timeout-ms", 1, "Exits once no record has arrived for this many milliseconds.");
        var printKey = new Option<bool>("--print-key") { Description = "Prefixes each value with its key and a tab (\"null\" for no key)." };
        var printOffset = new Option<bool>("--print-offset") { Description = "Prefixes each value with its offset and a tab." };
        var printPartition = new Option<bool>("--print-partition") { Description = "Prefixes each value with its partition and a tab." };
        var command = new Command("consume", "Prints records as they arrive, one per line, until --max-messages, --timeout-ms or Ctrl+C.")
        {
            topic, group, partition, fromBeginning, maxMessages, timeoutMs, printKey, printOffset, printPartition,
        };
        host.Bind(command, (context, parse) =>
        {
            if (parse.GetValue(group) is not null)
            {
                throw new CliException("consumer groups are not supported by this broker yet; omit --group to read the partitions directly");
            }

            var printer = new RecordPrinter(context.Out, context.Output, parse.GetValue(printPartition), parse.GetValue(printOffset), parse.GetValue(printKey));
            return RunAsync(context, printer, new ConsumeSettings(
                parse.GetRequiredValue(topic),
                parse.GetResult(partition) is null ? null : parse.GetValue(partition),
                parse.GetValue(fromBeginning),
                parse.GetResult(maxMessages) is null ? long.MaxValue : parse.GetValue(maxMessages),
                parse.GetResult(timeoutMs) is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(parse.GetValue(timeoutMs))));
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, RecordPrinter printer, ConsumeSettings settings)
    {
        using var _ = printer;
        IReadOnlyList<Broker.Core.TopicPartition> partitions;
        await using (var admin = context.CreateAdmin())
        {
            partitions = TopicLookup.Partitions(await TopicLookup.DescribeAsync(admin, settings.Topic, context.Cancellation), settings.Partition);
        }

        long consumed = 0;
        await using (var consumer = new Consumer(context.Configure(new ConsumerOptions
        {
            AutoOffsetReset = settings.FromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
        })))
        {
            consumer.Assign(partitions);
            try
            {
                while (consumed < settings.MaxMessages)
                {
                    // Take what is buffered without waiting; flush the output only before waiting, so a fast
                    // catch-up writes in large chunks and a tail still shows each record as soon as it arrives.
                    var record = await consumer.ConsumeAsync(TimeSpan.Zero, context.Cancellation);
                    if (record is null)
                    {
                        await context.Out.FlushAsync(context.Cancellation);
                        record = await consumer.ConsumeAsync(settings.IdleTimeout, context.Cancellation);
                        if (record is null)
                        {
                            break; // idle for --timeout-ms: the normal end of a bounded read
                        }
                    }

                    printer.Print(record);
                    consumed++;
                }
            }
            catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
            {
                // Ctrl+C is how a tail ends: report what was read and exit 0, as Kafka's console consumer does.
            }
        }

        await context.Out.FlushAsync(CancellationToken.None);
        context.Error.WriteLine($"Processed a total of {consumed} messages");
        return ExitCodes.Success;
    }

    private sealed record ConsumeSettings(string Topic, int? Partition, bool FromBeginning, long MaxMessages, TimeSpan IdleTimeout);
}
