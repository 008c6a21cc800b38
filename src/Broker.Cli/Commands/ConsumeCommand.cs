using System.CommandLine;
using System.Diagnostics;
using Broker.Cli.Records;
using Broker.Client;
using Broker.Core;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>brokerctl consume TOPIC [--group G | --partition N] [--from-beginning] [--max-messages N] [--timeout-ms N] [--print-...]</c>:
/// reads the topic's partitions (assigned directly, or as a member of group G) and prints each record's value on its
/// own line.
/// </summary>
internal static class ConsumeCommand
{
    /// <summary>
    /// With --group and --timeout-ms, how long joining may take before the idle clock starts. A first join can take
    /// seconds (the coordinator may create the offsets topic first); a coordinator that never answers must still end
    /// a bounded read.
    /// </summary>
    private static readonly TimeSpan JoinWaitMax = TimeSpan.FromSeconds(30);

    /// <summary>How often a consumer waiting to join checks whether it has (a record cannot arrive before then).</summary>
    private static readonly TimeSpan JoinCheckInterval = TimeSpan.FromMilliseconds(50);

    public static Command Create(CommandHost host)
    {
        var topic = new Argument<string>("topic") { Description = "The topic to read." };
        var group = new Option<string>("--group")
        {
            Description = "Reads as a member of this consumer group: the group shares the topic's partitions among its members, and the "
                + "positions are committed (every 5 s and on exit) so the next run continues where this one stopped.",
            HelpName = "GROUP",
        };
        var partition = CliOptions.AtLeast<int>("--partition", 0, "Reads only this partition (default: every partition of the topic).");
        var fromBeginning = new Option<bool>("--from-beginning")
        {
            Description = "Starts at the oldest record still in the log; without it, only records produced from now on are read. With --group, "
                + "only for partitions the group has no committed offset for.",
        };
        var maxMessages = CliOptions.AtLeast<long>("--max-messages", 1, "Exits after this many records.");
        var timeoutMs = CliOptions.AtLeast<int>("--timeout-ms", 1, "Exits once no record has arrived for this many milliseconds (with --group: counted once joined).");
        var printKey = new Option<bool>("--print-key") { Description = "Prefixes each value with its key and a tab (\"null\" for no key)." };
        var printOffset = new Option<bool>("--print-offset") { Description = "Prefixes each value with its offset and a tab." };
        var printPartition = new Option<bool>("--print-partition") { Description = "Prefixes each value with its partition and a tab." };
        var command = new Command("consume", "Prints records as they arrive, one per line, until --max-messages, --timeout-ms or Ctrl+C.")
        {
            topic, group, partition, fromBeginning, maxMessages, timeoutMs, printKey, printOffset, printPartition,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(group) is { Implicit: false } && result.GetResult(partition) is { Implicit: false })
            {
                result.AddError("--partition and --group exclude each other: a group member reads the partitions the group assigns it");
            }
        });
        host.Bind(command, (context, parse) =>
        {
            var printer = new RecordPrinter(context.Out, context.Output, parse.GetValue(printPartition), parse.GetValue(printOffset), parse.GetValue(printKey));
            return RunAsync(context, printer, new ConsumeSettings(
                parse.GetRequiredValue(topic),
                parse.GetValue(group),
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
        IReadOnlyList<TopicPartition> partitions;
        await using (var admin = context.CreateAdmin())
        {
            partitions = TopicLookup.Partitions(await TopicLookup.DescribeAsync(admin, settings.Topic, context.Cancellation), settings.Partition);
        }

        long consumed = 0;
        // With a group, disposing commits the positions of what was printed and leaves the group, however the loop
        // ended (--max-messages, --timeout-ms, Ctrl+C), so the next member continues exactly there.
        await using (var consumer = new Consumer(context.Configure(new ConsumerOptions
        {
            GroupId = settings.Group,
            AutoOffsetReset = settings.FromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
        })))
        {
            if (settings.Group is null)
            {
                consumer.Assign(partitions);
            }
            else
            {
                consumer.Subscribe([settings.Topic]);
            }

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
                        record = await WaitForRecordAsync(consumer, settings, context.Cancellation);
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

    /// <summary>
    /// The next record within --timeout-ms, or null. A group member's idle clock starts once it has joined: waiting
    /// for the coordinator is not the topic being quiet.
    /// </summary>
    private static async ValueTask<ConsumeResult?> WaitForRecordAsync(Consumer consumer, ConsumeSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Group is not null && settings.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            var started = Stopwatch.GetTimestamp();
            while (consumer.MemberId is null)
            {
                if (await consumer.ConsumeAsync(JoinCheckInterval, cancellationToken) is { } early)
                {
                    return early;
                }

                if (Stopwatch.GetElapsedTime(started) > JoinWaitMax)
                {
                    throw new CliException($"could not join group '{settings.Group}' within {JoinWaitMax.TotalSeconds:0} s");
                }
            }
        }

        return await consumer.ConsumeAsync(settings.IdleTimeout, cancellationToken);
    }

    private sealed record ConsumeSettings(string Topic, string? Group, int? Partition, bool FromBeginning, long MaxMessages, TimeSpan IdleTimeout);
}
